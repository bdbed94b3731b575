using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace PortWarden.Cli.Tests;

/// <summary>`scan` with UDP ports: the engines it picks, one result for TCP and UDP, and its options' errors.</summary>
public sealed class UdpScanCommandTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Tcp_and_udp_ports_in_one_spec_give_one_host_with_both()
    {
        using var tcp = Cli.Listen(IPAddress.Loopback);
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var udpPort = ((IPEndPoint)udp.Client.LocalEndPoint!).Port;
        var echo = EchoAsync(udp);

        var run = await Cli.RunAsync("scan", "127.0.0.1", "-p", $"T:{tcp.Port()},U:{udpPort},{udpPort + 1}", "--format", "json", "--show-closed");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Output);
        Assert.Equal("connect+udp", json.RootElement.GetProperty("engine").GetString());
        var host = Assert.Single(json.RootElement.GetProperty("hosts").EnumerateArray());
        var ports = host.GetProperty("ports").EnumerateArray()
            .Select(p => $"{p.GetProperty("protocol").GetString()}/{p.GetProperty("port").GetInt32()}:{p.GetProperty("state").GetString()}:{p.GetProperty("reason").GetString()}")
            .ToList();
        Assert.Contains($"tcp/{tcp.Port()}:open:syn-ack", ports);
        Assert.Contains($"udp/{udpPort}:open:udp-response", ports);
        Assert.Contains($"udp/{udpPort + 1}:closed:port-unreach", ports);
        Assert.Equal(3, ports.Count);
        Assert.Equal(2, host.GetProperty("counts").GetProperty("open").GetInt32());
        udp.Dispose();
        await echo;
    }

    [Fact]
    public async Task The_udp_engine_scans_unprefixed_ports_as_udp()
    {
        var run = await Cli.RunAsync("scan", "127.0.0.1", "--engine", "udp", "-p", "40001-40003", "--format", "jsonl", "--show-closed");

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.Equal(["udp", "udp", "udp"], lines.Where(l => l.GetProperty("type").GetString() == "port").Select(l => l.GetProperty("protocol").GetString()));
        Assert.Equal("udp", lines[^1].GetProperty("engine").GetString());
    }

    [Theory]
    [InlineData(new[] { "scan", "127.0.0.1", "--engine", "udp", "-p", "T:22" }, "the udp engine scans UDP only")]
    [InlineData(new[] { "scan", "127.0.0.1", "-p", "U:53", "--source-addresses", "0" }, "invalid source address '0' at position 1")]
    [InlineData(new[] { "scan", "127.0.0.1", "-p", "U:53", "--source-addresses", "127.0.0.1-300" }, "invalid source address '127.0.0.1-300'")]
    [InlineData(new[] { "scan", "127.0.0.1", "-p", "U:53", "--source-addresses", "192.0.2.77" }, "192.0.2.77 is not an address of this machine")]
    [InlineData(new[] { "scan", "127.0.0.1", "-p", "U:53", "--source-addresses", "4000" }, "has only")]
    [InlineData(new[] { "scan", "127.0.0.1", "-p", "22", "--source-addresses", "127.0.0.1" }, "--source-addresses is used by the udp engine")]
    [InlineData(new[] { "scan", "--resume", "/nonexistent/scan.checkpoint" }, "checkpoint '/nonexistent/scan.checkpoint' does not exist")]
    [InlineData(new[] { "scan", "127.0.0.1", "--resume", "a", "--checkpoint", "b" }, "do not combine it with --checkpoint")]
    [InlineData(new[] { "scan", "127.0.0.1", "-p", "U:53", "--checkpoint", "/nonexistent/dir/file" }, "directory '/nonexistent/dir' does not exist")]
    public async Task Bad_udp_options_exit_2_and_say_what_was_wrong(string[] args, string message)
    {
        var run = await Cli.RunAsync(args);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
        Assert.Equal("", run.Output);
    }

    [Fact]
    public async Task A_corrupt_or_foreign_checkpoint_is_refused_and_left_as_it_is()
    {
        var path = Path.Combine(Path.GetTempPath(), $"portwarden-{Guid.NewGuid():N}.checkpoint");
        try
        {
            await File.WriteAllTextAsync(path, "{\"format\":\"portwarden-checkpoint\",\"version\":1,\"scan\":{\"targets\":\"127.0.0.1\",\"exclude\":\"\",\"ports\":\"U:7\",\"excludePorts\":\"\",\"engine\":\"udp\"}}\nnot json\n\n", Cancel);
            var corrupt = await Cli.RunAsync("scan", "--resume", path);
            Assert.True(corrupt.ExitCode == 2, corrupt.ToString());
            Assert.Contains("is corrupt at line 2", corrupt.Error, StringComparison.Ordinal);

            await File.WriteAllTextAsync(path, "{\"format\":\"portwarden-checkpoint\",\"version\":1,\"scan\":{\"targets\":\"127.0.0.1\",\"exclude\":\"\",\"ports\":\"U:7\",\"excludePorts\":\"\",\"engine\":\"udp\"}}\n", Cancel);
            var mismatch = await Cli.RunAsync("scan", "127.0.0.1", "-p", "U:8", "--resume", path);
            Assert.True(mismatch.ExitCode == 2, mismatch.ToString());
            Assert.Contains("the checkpoint was written for another scan (ports 'U:7' vs 'U:8')", mismatch.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("\n{", await File.ReadAllTextAsync(path, Cancel), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_finished_checkpoint_resumes_to_the_same_result_without_scanning_again()
    {
        var path = Path.Combine(Path.GetTempPath(), $"portwarden-{Guid.NewGuid():N}.checkpoint");
        try
        {
            var first = await Cli.RunAsync("scan", "127.0.0.1", "-p", "U:40001-40005,T:40001", "--format", "csv", "--show-closed", "--checkpoint", path);
            var again = await Cli.RunAsync("scan", "--resume", path, "--format", "csv", "--show-closed");

            Assert.True(again.ExitCode == 0, again.ToString());
            Assert.Equal(first.Output.Split('\n').Order(), again.Output.Split('\n').Order());
            Assert.Equal(8, File.ReadAllLines(path).Length); // header, 6 ports, 1 host
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task EchoAsync(UdpClient udp)
    {
        try
        {
            while (true)
            {
                var received = await udp.ReceiveAsync(Cancel);
                await udp.SendAsync(received.Buffer, received.RemoteEndPoint, Cancel);
            }
        }
        catch (Exception error) when (error is ObjectDisposedException or SocketException or OperationCanceledException)
        {
        }
    }
}
