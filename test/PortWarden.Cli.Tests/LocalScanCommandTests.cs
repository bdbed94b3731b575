using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using PortWarden.Core.Ports;

namespace PortWarden.Cli.Tests;

/// <summary>`portwarden scan --engine local`: this machine's own listening sockets, with bind address and owning process.</summary>
public sealed class LocalScanCommandTests
{
    [Fact]
    public async Task Json_shows_each_socket_on_its_bind_address_with_its_owning_process()
    {
        using var open = Cli.Listen(IPAddress.IPv6Loopback);

        var run = await Cli.RunAsync("scan", "--engine", "local", "-p", $"T:{open.Port()}", "--format", "json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Output);
        Assert.Equal("local", json.RootElement.GetProperty("engine").GetString());
        var hosts = json.RootElement.GetProperty("hosts").EnumerateArray().ToList();
        Assert.Contains(hosts, h => h.GetProperty("address").GetString() == "0.0.0.0");
        Assert.All(hosts, h => Assert.Equal(Dns.GetHostName(), h.GetProperty("hostname").GetString()));
        // Other programs may use the same port number on other addresses: look at ::1 only.
        var host = Assert.Single(hosts, h => h.GetProperty("address").GetString() == "::1");
        var port = Assert.Single(host.GetProperty("ports").EnumerateArray());
        Assert.Equal(open.Port(), port.GetProperty("port").GetInt32());
        Assert.Equal("local-socket", port.GetProperty("reason").GetString());
        Assert.Equal("::1", port.GetProperty("bindAddress").GetString());
        var process = port.GetProperty("process");
        using var self = Process.GetCurrentProcess();
        Assert.Equal(Environment.ProcessId, process.GetProperty("pid").GetInt32());
        Assert.Equal(self.ProcessName, process.GetProperty("name").GetString());
        Assert.Equal(Environment.ProcessPath, process.GetProperty("path").GetString());
        Assert.Equal(Environment.UserName, process.GetProperty("user").GetString());
    }

    [Fact]
    public async Task Network_scans_carry_no_process_or_bind_address_fields()
    {
        using var open = Cli.Listen(IPAddress.Loopback);

        var run = await Cli.RunAsync("scan", "127.0.0.1", "-p", $"{open.Port()}", "--format", "jsonl");

        using var line = JsonDocument.Parse(run.Output.Split('\n')[0]);
        Assert.False(line.RootElement.TryGetProperty("process", out _));
        Assert.False(line.RootElement.TryGetProperty("bindAddress", out _));
    }

    [Fact]
    public async Task Unprefixed_ports_cover_udp_too()
    {
        using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));

        var run = await Cli.RunAsync("scan", "--engine", "local", "-p", $"{udp.Port()}", "--format", "jsonl");

        Assert.True(run.ExitCode == 0, run.ToString());
        var port = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Single(line => line.GetProperty("type").GetString() == "port" && line.GetProperty("address").GetString() == "127.0.0.1");
        Assert.Equal("udp", port.GetProperty("protocol").GetString());
        Assert.Equal(udp.Port(), port.GetProperty("port").GetInt32());
        Assert.Equal("127.0.0.1", port.GetProperty("address").GetString());
    }

    [Fact]
    public async Task Without_ports_every_port_of_both_protocols_is_reported()
    {
        using var tcp = Cli.Listen(IPAddress.Any);

        var run = await Cli.RunAsync("scan", "--engine", "local", "--format", "json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Output);
        var wildcard = json.RootElement.GetProperty("hosts").EnumerateArray().Single(h => h.GetProperty("address").GetString() == "0.0.0.0");
        Assert.Contains(wildcard.GetProperty("ports").EnumerateArray(), p => p.GetProperty("port").GetInt32() == tcp.Port());
        var counts = wildcard.GetProperty("counts");
        Assert.Equal(2 * 65535, counts.GetProperty("open").GetInt32() + counts.GetProperty("closed").GetInt32());
    }

    [Fact]
    public async Task The_table_shows_bind_address_and_process_columns()
    {
        using var open = Cli.Listen(IPAddress.Loopback);

        var run = await Cli.RunAsync("scan", "--engine", "local", "-p", $"T:{open.Port()}");

        Assert.True(run.ExitCode == 0, run.ToString());
        var header = run.Output.Split('\n').First(line => line.Contains("HOST", StringComparison.Ordinal));
        Assert.Matches(@"HOST\s+PORT\s+STATE\s+SERVICE\s+REASON\s+BIND\s+PROCESS", header);
        using var self = Process.GetCurrentProcess();
        var row = $@"^\s*{Dns.GetHostName()}\s+{open.Port()}/tcp\s+open\s+\S+\s+local-socket\s+127\.0\.0\.1\s+{self.ProcessName}/{Environment.ProcessId}\s*$";
        Assert.Single(run.Output.Split('\n'), line => System.Text.RegularExpressions.Regex.IsMatch(line, row));
        Assert.Contains("(local).", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csv_rows_end_with_bind_address_and_process()
    {
        using var open = Cli.Listen(IPAddress.Loopback);

        var run = await Cli.RunAsync("scan", "--engine", "local", "-p", $"T:{open.Port()}", "--format", "csv");

        var rows = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        using var self = Process.GetCurrentProcess();
        Assert.Equal(
            $"127.0.0.1,{Dns.GetHostName()},tcp,{open.Port()},open,{ServiceTable.Default.NameOf(Protocol.Tcp, open.Port())},local-socket,127.0.0.1,{Environment.ProcessId},{self.ProcessName},{Environment.ProcessPath},{Environment.UserName}",
            Assert.Single(rows, row => row.StartsWith("127.0.0.1,", StringComparison.Ordinal)));
    }
}
