using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using PortWarden.Agent.Wire;

namespace PortWarden.Hub.Tests;

/// <summary>
/// What the hub records from agents' uploads, sent over its real HTTP API with an agent's credential: failed and
/// partial polls change nothing they did not decide, late polls are history, changes are dated when observed.
/// </summary>
public sealed class UploadTruthTests
{
    private const string Host = "127.0.0.1";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_agent_whose_first_poll_failed_records_no_baseline_and_its_next_good_poll_is_the_baseline()
    {
        await using var hub = await TestHub.StartAsync(cancellationToken: Cancel);
        var (agent, tracker, device) = await SetUpAsync(hub, "a");
        var now = DateTimeOffset.UtcNow;

        await UploadAsync(agent, Poll(tracker, now.AddMinutes(-2), "nmap exited with code 1"));
        await UploadAsync(agent, Poll(tracker, now.AddMinutes(-1), null, Up(Host, 22, 80)));

        var polls = await hub.GetAsync($"api/v1/devices/{device}/polls");
        Assert.Equal(["complete", "failed"], polls.EnumerateArray().Select(p => p.GetProperty("outcome").GetString()));
        Assert.Equal("nothing was decided: the baseline is unchanged", polls[1].GetProperty("note").GetString());
        Assert.Empty(await ChangesAsync(hub, device));
        var completed = (await hub.GetAsync($"api/v1/events?device={device}&type=poll-completed")).GetProperty("items");
        Assert.Equal(["failed", "complete"], completed.EnumerateArray().Select(e => e.GetProperty("payload").GetProperty("outcome").GetString()));
        var baseline = await hub.GetAsync($"api/v1/devices/{device}/baseline");
        Assert.Equal([22, 80], baseline[0].GetProperty("ports").EnumerateArray().Select(p => p.GetProperty("port").GetInt32()));
    }

    [Fact]
    public async Task A_poll_older_than_the_newest_applied_one_is_kept_as_history_and_does_not_rewind_the_baseline()
    {
        await using var hub = await TestHub.StartAsync(cancellationToken: Cancel);
        var (agent, tracker, device) = await SetUpAsync(hub, "a");
        var now = DateTimeOffset.UtcNow;

        await UploadAsync(agent, Poll(tracker, now.AddMinutes(-30), null, Up(Host, 22, 80)));
        var newest = Poll(tracker, now.AddMinutes(-10), null, Up(Host, 22));
        await UploadAsync(agent, newest);
        var late = Poll(tracker, now.AddMinutes(-20), null, Up(Host, 22, 80));
        await UploadAsync(agent, late);

        Assert.Equal(["port-closed 80"], await ChangesAsync(hub, device));
        var baseline = await hub.GetAsync($"api/v1/devices/{device}/baseline");
        Assert.Equal([22], baseline[0].GetProperty("ports").EnumerateArray().Select(p => p.GetProperty("port").GetInt32()));
        var recorded = (await hub.GetAsync($"api/v1/devices/{device}/polls")).EnumerateArray().Single(p => p.GetProperty("id").GetGuid() == late.PollId);
        Assert.False(recorded.GetProperty("applied").GetBoolean());
        Assert.Contains("history", recorded.GetProperty("note").GetString(), StringComparison.Ordinal);
        var completed = (await hub.GetAsync($"api/v1/events?device={device}&type=poll-completed")).GetProperty("items")
            .EnumerateArray().Single(e => e.GetProperty("pollId").GetGuid() == late.PollId);
        Assert.False(completed.GetProperty("payload").GetProperty("applied").GetBoolean());
        Assert.Equal(newest.StartedAt, (await hub.GetAsync($"api/v1/devices/{device}")).GetProperty("lastPollAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task A_change_delivered_late_is_dated_and_classified_when_it_was_observed()
    {
        await using var hub = await TestHub.StartAsync(cancellationToken: Cancel);
        var (agent, tracker, device) = await SetUpAsync(hub, "a");
        var now = DateTimeOffset.UtcNow;
        // The window of 18:00-18:30, the poll that saw the change at 18:20, and its delivery at 18:41 — shifted to now.
        var windowStart = now.AddMinutes(-41);
        await hub.PostAsync<JsonElement>("api/v1/planned-changes", new
        {
            deviceId = device,
            ports = "143",
            from = windowStart,
            to = windowStart.AddMinutes(30),
            reference = "CHG-1234",
        });
        await UploadAsync(agent, Poll(tracker, now.AddMinutes(-60), null, Up(Host, 22)));
        var observed = Poll(tracker, windowStart.AddMinutes(20), null, Up(Host, 22, 143));

        await UploadAsync(agent, observed);

        var change = Assert.Single((await hub.GetAsync($"api/v1/events?device={device}&type=port-opened")).GetProperty("items").EnumerateArray());
        Assert.Equal("planned", change.GetProperty("classification").GetString());
        Assert.Equal("CHG-1234", change.GetProperty("reference").GetString());
        Assert.Equal(observed.FinishedAt, change.GetProperty("occurredAt").GetDateTimeOffset());
        Assert.True(change.GetProperty("recordedAt").GetDateTimeOffset() >= now.AddSeconds(-5), "the delivery time is kept as recordedAt");
    }

    [Fact]
    public async Task Poll_ids_are_unique_per_agent_so_another_agents_poll_with_the_same_id_is_recorded()
    {
        await using var hub = await TestHub.StartAsync(cancellationToken: Cancel);
        var (first, firstTracker, firstDevice) = await SetUpAsync(hub, "a");
        var (second, secondTracker, secondDevice) = await SetUpAsync(hub, "b");
        var now = DateTimeOffset.UtcNow;
        var upload = Poll(firstTracker, now.AddMinutes(-1), null, Up(Host, 22));

        Assert.Equal("recorded", (await UploadAsync(first, upload)).Status);
        Assert.Equal("recorded", (await UploadAsync(second, upload with { TrackerId = secondTracker })).Status);
        Assert.Equal("duplicate", (await UploadAsync(second, upload with { TrackerId = secondTracker })).Status);
        Assert.Equal("duplicate", (await UploadAsync(first, upload)).Status);

        Assert.Equal(1, (await hub.GetAsync($"api/v1/devices/{firstDevice}/polls")).GetArrayLength());
        var other = Assert.Single((await hub.GetAsync($"api/v1/devices/{secondDevice}/polls")).EnumerateArray());
        Assert.NotEqual(upload.PollId, other.GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task A_failed_shard_makes_the_poll_partial_and_its_hosts_are_not_scanned_in_it_nor_changes_later()
    {
        await using var hub = await TestHub.StartAsync(cancellationToken: Cancel);
        var identity = await hub.EnrolAsync("sharder");
        var device = (await hub.PostAsync<JsonElement>("api/v1/devices", new { name = "lan", kind = "network", targets = "127.0.1.1-8", agentIds = new[] { identity.AgentId } }))
            .GetProperty("id").GetInt64();
        var tracker = await hub.TrackerAsync(device, "tcp", new { mode = "network", shardSize = 4 });
        using var agent = AgentClient(hub, identity);

        // First poll: shard 1 scanned, shard 2 failed.
        await RunShardedPollAsync(hub, agent, tracker, device, block => block.Contains("127.0.1.1", StringComparison.Ordinal)
            ? [Up("127.0.1.1", 22), Down("127.0.1.2"), Down("127.0.1.3"), Down("127.0.1.4")]
            : null);
        var first = (await hub.GetAsync($"api/v1/devices/{device}/polls"))[0];
        Assert.Equal("partial", first.GetProperty("outcome").GetString());
        Assert.Contains("127.0.1.5", first.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(4, first.GetProperty("hostsScanned").GetInt32());
        Assert.DoesNotContain((await hub.GetAsync($"api/v1/devices/{device}/baseline")).EnumerateArray(), h => h.GetProperty("address").GetString()!.EndsWith(".5", StringComparison.Ordinal));

        // Second poll: everything scanned. The failed shard's hosts were never decided: they are baseline, not host-up.
        await RunShardedPollAsync(hub, agent, tracker, device, block => block.Contains("127.0.1.1", StringComparison.Ordinal)
            ? [Up("127.0.1.1", 22), Up("127.0.1.2", 80), Down("127.0.1.3"), Down("127.0.1.4")]
            : [Up("127.0.1.5", 143), Down("127.0.1.6"), Down("127.0.1.7"), Down("127.0.1.8")]);

        Assert.Equal(["host-up 127.0.1.2", "port-opened 127.0.1.2 80"], await ChangesAsync(hub, device, withHost: true));
        var second = (await hub.GetAsync($"api/v1/devices/{device}/polls"))[0];
        Assert.Equal(("complete", 8), (second.GetProperty("outcome").GetString(), second.GetProperty("hostsScanned").GetInt32()));
    }

    [Fact]
    public async Task On_a_self_scan_device_interface_addresses_coming_and_going_are_no_host_events()
    {
        await using var hub = await TestHub.StartAsync(cancellationToken: Cancel);
        var identity = await hub.EnrolAsync("self");
        var device = (await hub.PostAsync<JsonElement>("api/v1/devices", new { name = "this-machine", kind = "self", agentIds = new[] { identity.AgentId } }))
            .GetProperty("id").GetInt64();
        var tracker = await hub.TrackerAsync(device, "local", new { engine = "local", mode = "self" });
        using var agent = AgentClient(hub, identity);
        var now = DateTimeOffset.UtcNow;
        PollUpload SelfScan(int minutesAgo, params HostUpload[] hosts) => Poll(tracker, now.AddMinutes(-minutesAgo), null, hosts) with { Engine = "local" };

        await UploadAsync(agent, SelfScan(30, Up("0.0.0.0", 22), Up("127.0.0.1")));
        await UploadAsync(agent, SelfScan(20, Up("0.0.0.0", 22), Up("127.0.0.1"), Up("127.0.0.2"), Up("127.0.0.3", 143)));
        await UploadAsync(agent, SelfScan(10, Up("0.0.0.0", 22), Up("127.0.0.1")));

        // A new address is no host-up and one that went away no host-down; a socket bound to a new address opened,
        // and closed when its address went away.
        Assert.Equal(["port-opened 127.0.0.3 143", "port-closed 127.0.0.3 143"], await ChangesAsync(hub, device, withHost: true));
    }

    private static async Task RunShardedPollAsync(TestHub hub, HttpClient agent, long tracker, long device, Func<string, HostUpload[]?> scan)
    {
        var before = (await hub.GetAsync($"api/v1/devices/{device}/polls")).GetArrayLength();
        Assert.True((await hub.Admin.PostAsync($"api/v1/trackers/{tracker}/run", null, Cancel)).IsSuccessStatusCode);
        var done = 0;
        while (done < 2)
        {
            var response = await agent.PostAsync("api/v1/agent/shards/lease", null, Cancel);
            if (response.StatusCode == System.Net.HttpStatusCode.NoContent)
            {
                await Task.Delay(100, Cancel);
                continue;
            }

            var shard = (await response.Content.ReadFromJsonAsync<ShardAssignment>(WireJson.Options, Cancel))!;
            var hosts = scan(shard.Targets);
            var started = DateTimeOffset.UtcNow;
            var upload = new PollUpload(shard.PollId, tracker, shard.ShardId, started, started.AddMilliseconds(50), "connect",
                hosts is null ? "the scan of this shard failed: out of file descriptors" : null, "1-200", "", hosts ?? []);
            await UploadAsync(agent, upload);
            done++;
        }

        await Waiting.UntilAsync(async () => (await hub.GetAsync($"api/v1/devices/{device}/polls")).EnumerateArray()
            .Count(p => !p.GetProperty("running").GetBoolean()) > before, TimeSpan.FromSeconds(30), "the sharded poll to complete");
    }

    private static async Task<(HttpClient Agent, long Tracker, long Device)> SetUpAsync(TestHub hub, string name)
    {
        var identity = await hub.EnrolAsync(name);
        var device = await hub.DeviceAsync($"host-{name}", Host, identity.AgentId);
        var tracker = await hub.TrackerAsync(device, "tcp");
        return (AgentClient(hub, identity), tracker, device);
    }

    private static HttpClient AgentClient(TestHub hub, EnrolResponse identity)
    {
        var client = new HttpClient { BaseAddress = hub.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", identity.Credential);
        return client;
    }

    /// <summary>An upload of a poll started then (to the millisecond, as stored) that took two seconds.</summary>
    private static PollUpload Poll(long tracker, DateTimeOffset started, string? error, params HostUpload[] hosts)
    {
        started = DateTimeOffset.FromUnixTimeMilliseconds(started.ToUnixTimeMilliseconds());
        return new(Guid.CreateVersion7(started), tracker, null, started, started.AddSeconds(2), "connect", error, "1-200", "", hosts);
    }

    private static HostUpload Up(string address, params int[] open) => new(
        address, null, "up", "conn-refused", open.Length, 200 - open.Length, 0,
        open.Select(port => new PortUpload("tcp", port, "syn-ack", null, null, null, null)).ToList(), [], null);

    private static HostUpload Down(string address) => new(address, null, "down", "no-response", 0, 0, 0, [], [], null);

    private static async Task<UploadReceipt> UploadAsync(HttpClient agent, PollUpload upload)
    {
        var response = await agent.PostAsJsonAsync("api/v1/agent/polls", upload, WireJson.Options, Cancel);
        var text = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(response.IsSuccessStatusCode, $"upload: {(int)response.StatusCode} {text}");
        return JsonSerializer.Deserialize<UploadReceipt>(text, WireJson.Options)!;
    }

    private static async Task<List<string>> ChangesAsync(TestHub hub, long device, bool withHost = false) =>
        (await hub.GetAsync($"api/v1/events?device={device}&type=host-up,host-down,port-opened,port-closed,service-changed")).GetProperty("items")
            .EnumerateArray()
            .Select(e => (withHost ? $"{e.GetProperty("type").GetString()} {e.GetProperty("host").GetString()}" : e.GetProperty("type").GetString())
                + (e.GetProperty("port").ValueKind == JsonValueKind.Number ? $" {e.GetProperty("port").GetInt32()}" : ""))
            .ToList();
}
