using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using PortWarden.Agent.Wire;
using PortWarden.NetLab;

namespace PortWarden.Hub.Tests;

/// <summary>
/// Fault tests of the agent → hub path with real processes (issue 14): a hub killed with SIGKILL while listeners change,
/// and a poll the hub recorded whose answer the agent never saw. The oracle is the test's own record of what it changed
/// and when; the hub's stored events must tell the same story, in the same order, stamped with when it was observed.
/// </summary>
public sealed class HubOutageTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Listeners_toggled_while_the_hub_process_is_killed_arrive_as_the_changes_that_happened_in_order_with_observation_times()
    {
        var directory = Directory.CreateTempSubdirectory("portwarden-outage-");
        var agentDirectory = Path.Combine(directory.FullName, "agent");
        var listeners = new Dictionary<int, TcpListener>();
        Process? agent = null;
        try
        {
            var (a, b) = (ServeProcess.FreePort(), ServeProcess.FreePort());
            Toggle(listeners, a);
            await using var hub = await ServeProcess.StartAsync(directory.FullName, Cancel, "--no-local-agent");
            agent = CliProcess.StartLogged(Path.Combine(directory.FullName, "agent.log"),
                "agent", "--hub", hub.Url, "--token", await hub.EnrolmentTokenAsync(Cancel), "--data-dir", agentDirectory, "--name", "outage", "--refresh", "1");
            await Waiting.UntilAsync(async () => (await hub.GetAsync("api/v1/agents", Cancel)).GetArrayLength() == 1, TimeSpan.FromSeconds(60), "the agent to enrol");
            var agentId = (await hub.GetAsync("api/v1/agents", Cancel))[0].GetProperty("id").GetInt64();
            var device = (await hub.PostAsync("api/v1/devices", new { name = "loopback", kind = "host", targets = "127.0.0.1", agentIds = new[] { agentId } }, Cancel))
                .GetProperty("id").GetInt64();
            await hub.PostAsync("api/v1/trackers", new
            {
                deviceId = device,
                name = "two-ports",
                ports = $"{a},{b}",
                engine = "connect",
                schedule = new { atStartup = true, everySeconds = 10 },
                options = new { noDiscovery = true },
            }, Cancel);
            await Waiting.UntilAsync(async () => OpenIn(await hub.GetAsync($"api/v1/devices/{device}/baseline", Cancel)).SetEquals([a]), TimeSpan.FromSeconds(60),
                "the first poll to record the baseline (port A open)");

            await hub.KillAsync(Cancel);
            var changes = new List<(string Change, DateTimeOffset After, DateTimeOffset Seen)>();
            foreach (var port in new[] { b, a, a, b })
            {
                var before = DateTimeOffset.UtcNow;
                var opened = Toggle(listeners, port);
                var expected = listeners.Keys.ToHashSet();
                // The change is observed once a poll that started after it shows exactly the open listeners.
                await Waiting.UntilAsync(
                    () => Task.FromResult(Queued(agentDirectory).Any(u => u.StartedAt > before && OpenIn(u).SetEquals(expected))),
                    TimeSpan.FromSeconds(60),
                    $"the agent to observe port {port} {(opened ? "opened" : "closed")} while the hub is down");
                changes.Add(($"{(opened ? "port-opened" : "port-closed")} {port}", before, DateTimeOffset.UtcNow));
            }

            var restarted = DateTimeOffset.UtcNow;
            await hub.RestartAsync(Cancel);
            await Waiting.UntilAsync(() => Task.FromResult(Queued(agentDirectory).Count == 0), TimeSpan.FromSeconds(120), "the outbox to drain into the restarted hub");

            var events = (await hub.GetAsync($"api/v1/events?device={device}&type=port-opened,port-closed&limit=500", Cancel)).GetProperty("items").EnumerateArray()
                .Select(e => (Change: $"{e.GetProperty("type").GetString()} {e.GetProperty("port").GetInt32()}", At: e.GetProperty("occurredAt").GetDateTimeOffset(), Sequence: e.GetProperty("seq").GetInt64()))
                .OrderBy(e => e.Sequence)
                .ToList();
            Assert.Equal(changes.Select(c => c.Change), events.Select(e => e.Change));
            Assert.Equal(events.OrderBy(e => e.At).Select(e => e.Change), events.Select(e => e.Change));
            for (var i = 0; i < changes.Count; i++)
            {
                Assert.True(events[i].At >= changes[i].After && events[i].At <= changes[i].Seen && events[i].At < restarted,
                    $"{events[i].Change} occurred at {events[i].At:O}: observed between {changes[i].After:O} and {changes[i].Seen:O}, delivered after {restarted:O}");
            }

            Assert.Equal([a], OpenIn(await hub.GetAsync($"api/v1/devices/{device}/baseline", Cancel)));
            var polls = (await hub.GetAsync($"api/v1/devices/{device}/polls?limit=1000", Cancel)).EnumerateArray().Select(p => p.GetProperty("id").GetString()).ToList();
            Assert.Equal(polls.Count, polls.Distinct().Count());
        }
        finally
        {
            await StopAsync(agent);
            foreach (var listener in listeners.Values)
            {
                listener.Dispose();
            }

            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_poll_the_hub_recorded_but_whose_answer_was_lost_is_recorded_exactly_once()
    {
        var agentDirectory = Directory.CreateTempSubdirectory("portwarden-lostack-");
        var listeners = new Dictionary<int, TcpListener>();
        Process? agent = null;
        try
        {
            await using var hub = await TestHub.StartAsync(cancellationToken: Cancel);
            var port = ServeProcess.FreePort();
            // Drops the hub's answer to the first upload that shows the port open: the hub has recorded it, the agent saw a broken connection.
            await using var proxy = await AnswerDroppingProxy.StartAsync(hub.BaseAddress, upload => upload.Hosts.Any(h => h.OpenPorts.Any(p => p.Port == port)), Cancel);
            var token = (await hub.PostAsync<JsonElement>("api/v1/enrollment-tokens", new { note = "lost-ack" })).GetProperty("token").GetString()!;
            agent = CliProcess.StartLogged(Path.Combine(agentDirectory.FullName, "agent.log"),
                "agent", "--hub", proxy.Url, "--token", token, "--data-dir", Path.Combine(agentDirectory.FullName, "data"), "--name", "lost-ack", "--refresh", "1");
            await Waiting.UntilAsync(async () => (await hub.GetAsync("api/v1/agents")).GetArrayLength() == 1, TimeSpan.FromSeconds(60), "the agent to enrol");
            var agentId = (await hub.GetAsync("api/v1/agents"))[0].GetProperty("id").GetInt64();
            var device = await hub.DeviceAsync("loopback", "127.0.0.1", agentId);
            await hub.TrackerAsync(device, "one-port", new { ports = $"{port}", engine = "connect", schedule = new { atStartup = true, everySeconds = 10 }, options = new { noDiscovery = true } });
            await Waiting.UntilAsync(async () => (await hub.GetAsync($"api/v1/devices/{device}")).GetProperty("baselineEstablished").GetBoolean(), TimeSpan.FromSeconds(60),
                "the first poll (port closed)");

            Toggle(listeners, port);
            await Waiting.UntilAsync(() => Task.FromResult(proxy.Dropped.Count == 1), TimeSpan.FromSeconds(60), "the answer to the poll that saw the port open to be dropped");
            var dropped = proxy.Dropped.Single();
            // Delivered means the agent let go of it: a retry got its answer (the hub said "duplicate").
            await Waiting.UntilAsync(() => Task.FromResult(proxy.Answered.ContainsKey(dropped)), TimeSpan.FromSeconds(60), "the agent to send the poll again and see the answer");

            var polls = (await hub.GetAsync($"api/v1/devices/{device}/polls?limit=1000")).EnumerateArray().Select(p => Guid.Parse(p.GetProperty("id").GetString()!)).ToList();
            Assert.Single(polls, id => id == dropped);
            Assert.Equal(polls.Count, polls.Distinct().Count());
            var opened = (await hub.GetAsync($"api/v1/events?device={device}&type=port-opened,port-closed")).GetProperty("items").EnumerateArray()
                .Select(e => $"{e.GetProperty("type").GetString()} {e.GetProperty("port").GetInt32()} {e.GetProperty("pollId").GetString()}").ToList();
            Assert.Equal([$"port-opened {port} {dropped}"], opened);
        }
        finally
        {
            await StopAsync(agent);
            foreach (var listener in listeners.Values)
            {
                listener.Dispose();
            }

            agentDirectory.Delete(recursive: true);
        }
    }

    /// <summary>Opens the port (a listener on 127.0.0.1) if it is closed, else closes it; true when it opened it.</summary>
    private static bool Toggle(Dictionary<int, TcpListener> listeners, int port)
    {
        if (listeners.Remove(port, out var open))
        {
            open.Dispose();
            return false;
        }

        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        listeners[port] = listener;
        return true;
    }

    /// <summary>The polls waiting in the agent's outbox (files may vanish while read: the sender delivers them).</summary>
    private static List<PollUpload> Queued(string agentDirectory)
    {
        var outbox = Path.Combine(agentDirectory, "outbox");
        var uploads = new List<PollUpload>();
        if (!Directory.Exists(outbox))
        {
            return uploads;
        }

        foreach (var file in Directory.EnumerateFiles(outbox, "*.json"))
        {
            try
            {
                uploads.Add(JsonSerializer.Deserialize<PollUpload>(File.ReadAllText(file), WireJson.Options)!);
            }
            catch (IOException)
            {
            }
        }

        return uploads;
    }

    private static HashSet<int> OpenIn(PollUpload upload) =>
        upload.Hosts.Where(h => h.State == "up").SelectMany(h => h.OpenPorts).Select(p => p.Port).ToHashSet();

    private static HashSet<int> OpenIn(JsonElement baseline) =>
        baseline.EnumerateArray().SelectMany(h => h.GetProperty("ports").EnumerateArray()).Select(p => p.GetProperty("port").GetInt32()).ToHashSet();

    private static async Task StopAsync(Process? process)
    {
        if (process is null)
        {
            return;
        }

        if (!process.HasExited)
        {
            CliProcess.Signal(process, CliProcess.SigInt);
            await process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
        }

        process.Dispose();
    }
}
