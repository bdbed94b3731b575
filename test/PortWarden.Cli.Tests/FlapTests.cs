using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using PortWarden.NetLab;

namespace PortWarden.Cli.Tests;

/// <summary>
/// `portwarden track --confirm 2` processes: a closing port or a host going down seen once, then back, records nothing;
/// seen twice, it records exactly one event, dated at the first sighting (inside the poll that first saw it).
/// </summary>
[Collection(NetworkLabTests.Name)]
public sealed class FlapTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_port_closed_for_one_poll_gives_no_event_and_closed_for_two_gives_one_port_closed_dated_at_the_first_sighting()
    {
        using var db = new TrackDatabase();
        var listener = Listen(0);
        var port = listener.Port();
        Task<(int Code, string Output, string Error)> Track() =>
            TrackAsync(db, "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--name", "loop", "--confirm", "2");

        Expect(0, await Track());
        listener.Dispose();
        var flapped = await Track();
        Expect(0, flapped);
        Assert.DoesNotContain($"tcp/{port}", flapped.Output, StringComparison.Ordinal);
        listener = Listen(port);
        var back = await Track();
        Expect(0, back);
        Assert.DoesNotContain($"tcp/{port}", back.Output, StringComparison.Ordinal);
        Assert.Empty(await ChangesAsync(db, "loop"));

        listener.Dispose();
        Assert.DoesNotContain($"tcp/{port}", (await Track()).Output, StringComparison.Ordinal);
        var confirmed = await Track();
        Expect(0, confirmed);
        Assert.Contains($"- 127.0.0.1 tcp/{port} closed", confirmed.Output, StringComparison.Ordinal);

        var change = Assert.Single(await ChangesAsync(db, "loop"));
        Assert.Equal(("port-closed", port), (change.GetProperty("type").GetString(), change.GetProperty("port").GetInt32()));
        var polls = await PollsAsync(db, "loop");
        Assert.Equal(5, polls.Count);
        AssertDatedAtFirstSighting(change, firstSighting: polls[3], confirmedBy: polls[4]);
        var baseline = await db.RunAsync("baseline", "loop", "--format", "csv");
        Assert.DoesNotContain($",tcp,{port},", baseline.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_down_for_one_poll_gives_no_event_and_down_for_two_gives_one_host_down_dated_at_the_first_sighting()
    {
        using var db = new TrackDatabase();
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(new LabHostOptions { LiveHosts = [10, 11] }, Cancel);
        host.Listen(22);
        host.Listen(80);
        var network = host.Range(10, 11);
        var leaving = host.AddressAt(11).ToString();
        Task<(int Code, string Output, string Error)> Track() => TrackAsync(db, network, "-p", "22,80,443", "--name", "lan", "--confirm", "2");

        Expect(0, await Track());
        await host.SetFirewallAsync($"ip daddr {leaving} drop");
        var flapped = await Track();
        Expect(0, flapped);
        Assert.DoesNotContain(leaving, flapped.Output, StringComparison.Ordinal);
        await host.SetFirewallAsync();
        Expect(0, await Track());
        Assert.Empty(await ChangesAsync(db, "lan"));

        await host.SetFirewallAsync($"ip daddr {leaving} drop");
        Assert.DoesNotContain(leaving, (await Track()).Output, StringComparison.Ordinal);
        var confirmed = await Track();
        Expect(0, confirmed);
        Assert.Contains($"- host {leaving} down", confirmed.Output, StringComparison.Ordinal);

        var change = Assert.Single(await ChangesAsync(db, "lan"));
        Assert.Equal(("host-down", leaving), (change.GetProperty("type").GetString(), change.GetProperty("host").GetString()));
        var polls = await PollsAsync(db, "lan");
        Assert.Equal(5, polls.Count);
        AssertDatedAtFirstSighting(change, firstSighting: polls[3], confirmedBy: polls[4]);

        // The host that left keeps its ports in the baseline (down, not closed); the other host is untouched.
        Assert.Equal(4L, db.Scalar("SELECT COUNT(*) FROM baseline_ports WHERE open = 1"));
        Assert.Equal(1L, db.Scalar("SELECT COUNT(*) FROM baseline_hosts WHERE state = 'down'"));
    }

    /// <summary>The change happened after the poll before the first sighting and was seen during that poll, then confirmed by the next.</summary>
    private static void AssertDatedAtFirstSighting(JsonElement change, JsonElement firstSighting, JsonElement confirmedBy)
    {
        var occurred = change.GetProperty("occurredAt").GetDateTimeOffset();
        var payload = firstSighting.GetProperty("payload");
        var (started, finished) = (payload.GetProperty("startedAt").GetDateTimeOffset(), payload.GetProperty("finishedAt").GetDateTimeOffset());
        Assert.True(occurred >= started.AddMilliseconds(-1) && occurred <= finished.AddMilliseconds(1),
            $"occurredAt {occurred:O} is not within the first sighting's poll ({started:O} - {finished:O})");
        Assert.Equal(confirmedBy.GetProperty("pollId").GetString(), change.GetProperty("pollId").GetString());
    }

    private static async Task<(int Code, string Output, string Error)> TrackAsync(TrackDatabase db, params string[] args)
    {
        using var process = CliProcess.Start(["track", .. args, "--db", db.Path, "--no-progress"]);
        return await CliProcess.FinishAsync(process, TimeSpan.FromSeconds(90), Cancel);
    }

    private static void Expect(int code, (int Code, string Output, string Error) run) =>
        Assert.True(run.Code == code, $"exit {run.Code} (expected {code})\n{run.Output}\n{run.Error}");

    private static async Task<List<JsonElement>> ChangesAsync(TrackDatabase db, string device) =>
        await EventsAsync(db, "--device", device, "--type", "port-opened,port-closed,host-up,host-down,service-changed");

    private static async Task<List<JsonElement>> PollsAsync(TrackDatabase db, string device) =>
        await EventsAsync(db, "--device", device, "--type", "poll-completed");

    private static async Task<List<JsonElement>> EventsAsync(TrackDatabase db, params string[] filters)
    {
        var run = await db.RunAsync(["events", "--format", "json", .. filters]);
        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Output);
        return json.RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
    }

    /// <summary>A loopback listener; on a given port it may reuse the address the previous listener left.</summary>
    private static Socket Listen(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
        socket.Listen(128);
        return socket;
    }
}
