using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using PortWarden.NetLab;

namespace PortWarden.Cli.Tests;

/// <summary>`portwarden track --self`: this machine's own listening ports, their bind addresses and owning programs, over time.</summary>
public sealed class TrackSelfTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_port_whose_owning_program_changes_gives_service_changed_and_its_closing_port_closed()
    {
        using var db = new TrackDatabase();
        int port;
        await using (var holder = await HeldSockets.StartAsync(Cancel, "tcp/127.0.0.1"))
        {
            port = holder.Sockets[0].Port;
            var first = await db.RunAsync("track", "--self", "-p", $"T:{port}", "--name", "me");
            Assert.True(first.ExitCode == 0, first.ToString());
            Assert.Contains("Baseline recorded for 'me': ", first.Output, StringComparison.Ordinal);

            var baseline = await db.RunAsync("baseline", "me", "--format", "jsonl");
            var row = JsonDocument.Parse(baseline.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Single(l => l.Contains($"\"port\":{port}", StringComparison.Ordinal))).RootElement;
            Assert.Equal(("127.0.0.1", HeldSockets.ProgramName), (row.GetProperty("host").GetString(), row.GetProperty("process").GetString()));
        }

        // The same port, now held by this test process: a different program behind it.
        using (var replacement = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            replacement.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            replacement.Bind(new IPEndPoint(IPAddress.Loopback, port));
            replacement.Listen(16);
            var changed = await db.RunAsync("track", "--self", "-p", $"T:{port}", "--name", "me");

            Assert.True(changed.ExitCode == 0, changed.ToString());
            Assert.Contains($"~ 127.0.0.1 ({Environment.MachineName}) tcp/{port}", changed.Output, StringComparison.Ordinal);
            Assert.Contains($"[{HeldSockets.ProgramName}] ->", changed.Output, StringComparison.Ordinal);
        }

        var closed = await db.RunAsync("track", "--self", "-p", $"T:{port}", "--name", "me");
        Assert.Contains($"- 127.0.0.1 ({Environment.MachineName}) tcp/{port} closed", closed.Output, StringComparison.Ordinal);
        Assert.Equal(["service-changed", "port-closed"], (await db.EventsAsync("--device", "me", "--type", "service-changed,port-closed,port-opened")).Select(e => e.Split(' ')[0]));
    }

    [Fact]
    public async Task A_port_that_moves_from_loopback_to_every_interface_is_a_change_of_exposure()
    {
        using var db = new TrackDatabase();
        await using var loopback = await HeldSockets.StartAsync(Cancel, "udp/127.0.0.1");
        var port = loopback.Sockets[0].Port;
        await db.RunAsync("track", "--self", "-p", $"U:{port}", "--name", "me");

        await loopback.DisposeAsync();
        using var wildcard = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        wildcard.Bind(new IPEndPoint(IPAddress.Any, port));
        var moved = await db.RunAsync("track", "--self", "-p", $"U:{port}", "--name", "me");

        Assert.Contains($"- 127.0.0.1 ({Environment.MachineName}) udp/{port} closed", moved.Output, StringComparison.Ordinal);
        Assert.Contains($"+ 0.0.0.0 ({Environment.MachineName}) udp/{port} open", moved.Output, StringComparison.Ordinal);
        var devices = await db.RunAsync("devices", "--format", "json");
        Assert.Equal("self", JsonDocument.Parse(devices.Output).RootElement[0].GetProperty("kind").GetString());
    }

    [Fact]
    public async Task A_self_scan_refuses_targets_and_other_engines()
    {
        using var db = new TrackDatabase();

        var targets = await db.RunAsync("track", "--self", "127.0.0.1");
        var engine = await db.RunAsync("track", "--self", "--engine", "connect");

        Assert.Equal((2, 2), (targets.ExitCode, engine.ExitCode));
        Assert.Contains("takes no targets", targets.Error, StringComparison.Ordinal);
        Assert.Contains("drop --engine connect", engine.Error, StringComparison.Ordinal);
    }
}
