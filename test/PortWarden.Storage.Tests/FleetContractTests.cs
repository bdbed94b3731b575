using PortWarden.Core.Fleet;
using PortWarden.Core.Tracking;

namespace PortWarden.Storage.Tests;

/// <summary>Agents, credentials, trackers and sharded polls: what the hub needs of every store.</summary>
public abstract class FleetContractTests
{
    protected static CancellationToken Cancel => TestContext.Current.CancellationToken;

    protected abstract Task<IPortWardenStore> NewStoreAsync();

    [Fact]
    public async Task An_enrolment_token_works_once_and_only_before_it_expires()
    {
        await using var store = await NewStoreAsync();
        var now = DateTimeOffset.UtcNow;
        await store.AddEnrollmentTokenAsync("hash-a", now, now.AddHours(1), "for the branch office", Cancel);
        await store.AddEnrollmentTokenAsync("hash-old", now.AddHours(-2), now.AddHours(-1), null, Cancel);

        var agent = await store.EnrolAgentAsync("hash-a", "branch", "branch-gw", "cred-hash", now, Cancel);
        var again = await store.EnrolAgentAsync("hash-a", "branch-2", null, "cred-2", now, Cancel);
        var expired = await store.EnrolAgentAsync("hash-old", "late", null, "cred-3", now, Cancel);
        var unknown = await store.EnrolAgentAsync("no-such-hash", "x", null, "cred-4", now, Cancel);

        Assert.NotNull(agent);
        Assert.Equal(("branch", "branch-gw"), (agent.Name, agent.HostName));
        Assert.Null(again);
        Assert.Null(expired);
        Assert.Null(unknown);
        var (found, credential) = (await store.FindAgentAsync(agent.Id, Cancel))!.Value;
        Assert.Equal(("branch", "cred-hash"), (found.Name, credential));
        var tokens = await store.ListEnrollmentTokensAsync(Cancel);
        Assert.Equal(agent.Id, tokens.Single(t => t.Note == "for the branch office").AgentId);
        Assert.Single(await store.ListAgentsAsync(Cancel));
    }

    [Fact]
    public async Task Agents_are_revoked_and_seen()
    {
        await using var store = await NewStoreAsync();
        var now = DateTimeOffset.UtcNow;
        await store.AddEnrollmentTokenAsync("t", now, now.AddHours(1), null, Cancel);
        var agent = (await store.EnrolAgentAsync("t", "a", null, "c", now, Cancel))!;

        await store.TouchAgentAsync(agent.Id, now.AddMinutes(1), "1.2.3", Cancel);
        Assert.True(await store.RevokeAgentAsync(agent.Id, now.AddMinutes(2), Cancel));
        Assert.False(await store.RevokeAgentAsync(agent.Id, now.AddMinutes(3), Cancel));

        var seen = (await store.FindAgentAsync(agent.Id, Cancel))!.Value.Agent;
        Assert.Equal(("1.2.3", true), (seen.Version, seen.IsRevoked));
        Assert.Equal(now.AddMinutes(1).ToUnixTimeMilliseconds(), seen.LastSeenAt!.Value.ToUnixTimeMilliseconds());
        Assert.Null(await store.FindAgentAsync(999, Cancel));
    }

    [Fact]
    public async Task Api_keys_are_known_by_hash()
    {
        await using var store = await NewStoreAsync();

        await store.AddApiKeyAsync("admin", "key-hash", DateTimeOffset.UtcNow, Cancel);

        Assert.True(await store.IsApiKeyAsync("key-hash", Cancel));
        Assert.False(await store.IsApiKeyAsync("other", Cancel));
        Assert.Equal(1, await store.CountApiKeysAsync(Cancel));
    }

    [Fact]
    public async Task Trackers_are_saved_updated_listed_per_agent_deleted_and_asked_to_run()
    {
        await using var store = await NewStoreAsync();
        var now = DateTimeOffset.UtcNow;
        var device = await store.SaveDeviceAsync("lan", DeviceKind.Network, "10.0.0.0/24", Cancel);
        var other = await store.SaveDeviceAsync("dmz", DeviceKind.Network, "10.1.0.0/24", Cancel);
        await store.AddEnrollmentTokenAsync("t1", now, now.AddHours(1), null, Cancel);
        await store.AddEnrollmentTokenAsync("t2", now, now.AddHours(1), null, Cancel);
        var a = (await store.EnrolAgentAsync("t1", "a", null, "c1", now, Cancel))!;
        var b = (await store.EnrolAgentAsync("t2", "b", null, "c2", now, Cancel))!;
        await store.SetDeviceAgentsAsync(device.Id, [a.Id, b.Id], Cancel);
        await store.SetDeviceAgentsAsync(other.Id, [b.Id], Cancel);

        var tcp = await store.SaveTrackerAsync(new Tracker(0, device.Id, "tcp", "1-1024", "", "connect", "startup; every 300s", new TrackingPolicy(2, true))
        {
            Mode = TrackerMode.Network,
            ShardSize = 64,
            OptionsJson = """{"timeoutMs":500}""",
        }, Cancel);
        var renamed = await store.SaveTrackerAsync(tcp with { Name = "tcp-all", Ports = "-" }, Cancel);
        await store.SaveTrackerAsync(new Tracker(0, other.Id, "web", "80,443", "", "connect", "none", TrackingPolicy.Default), Cancel);

        Assert.Equal(tcp.Id, renamed.Id);
        var read = (await store.GetTrackerAsync(tcp.Id, Cancel))!;
        Assert.Equal(("tcp-all", "-", TrackerMode.Network, 64, "startup; every 300s", 2, true), (read.Name, read.Ports, read.Mode, read.ShardSize!.Value, read.Schedule, read.Policy.ConfirmPolls, read.Policy.SendBaselineEvents));
        Assert.Equal("""{"timeoutMs":500}""", read.OptionsJson);
        Assert.Equal(["tcp-all"], (await store.ListTrackersForAgentAsync(a.Id, Cancel)).Select(t => t.Tracker.Name));
        Assert.Equal(["tcp-all", "web"], (await store.ListTrackersForAgentAsync(b.Id, Cancel)).Select(t => t.Tracker.Name));
        Assert.Equal([a.Id, b.Id], (await store.GetDeviceAsync(device.Id, Cancel))!.AgentIds);

        Assert.True(await store.RequestRunAsync(tcp.Id, now, Cancel));
        Assert.Equal(now.ToUnixTimeMilliseconds(), (await store.GetTrackerAsync(tcp.Id, Cancel))!.RunRequestedAt!.Value.ToUnixTimeMilliseconds());
        Assert.True(await store.DeleteTrackerAsync(tcp.Id, now, Cancel));
        Assert.Null(await store.GetTrackerAsync(tcp.Id, Cancel));
        Assert.Empty(await store.ListTrackersForAgentAsync(a.Id, Cancel));
        Assert.False(await store.RequestRunAsync(tcp.Id, now, Cancel));
        Assert.Single(await store.ListAllTrackersAsync(Cancel));
    }

    [Fact]
    public async Task A_poll_recorded_twice_is_recorded_once()
    {
        await using var store = await NewStoreAsync();
        var device = await store.SaveDeviceAsync("lab", DeviceKind.Host, "10.0.0.1", Cancel);
        var result = await StorePolls.PollAsync(store, device, ("10.0.0.1", [22]));

        Assert.False(await store.RecordPollAsync(result, Cancel));
        Assert.Single(await store.ListPollsAsync(device.Id, 10, Cancel));
        Assert.Single(await store.QueryEventsAsync(new EventQuery(), Cancel).ToListAsync(Cancel));
        Assert.Equal(result.Poll.Id, (await store.GetPollAsync(result.Poll.Id, Cancel))!.Id);
    }

    [Fact]
    public async Task Shards_are_leased_once_re_leased_after_expiry_and_complete_the_poll()
    {
        await using var store = await NewStoreAsync();
        var now = DateTimeOffset.UtcNow;
        var device = await store.SaveDeviceAsync("lan", DeviceKind.Network, "10.0.0.0/24", Cancel);
        await store.AddEnrollmentTokenAsync("t1", now, now.AddHours(1), null, Cancel);
        await store.AddEnrollmentTokenAsync("t2", now, now.AddHours(1), null, Cancel);
        await store.AddEnrollmentTokenAsync("t3", now, now.AddHours(1), null, Cancel);
        var a = (await store.EnrolAgentAsync("t1", "a", null, "c1", now, Cancel))!;
        var b = (await store.EnrolAgentAsync("t2", "b", null, "c2", now, Cancel))!;
        var outsider = (await store.EnrolAgentAsync("t3", "x", null, "c3", now, Cancel))!;
        await store.SetDeviceAgentsAsync(device.Id, [a.Id, b.Id], Cancel);
        var tracker = await store.SaveTrackerAsync(new Tracker(0, device.Id, "tcp", "1-1024", "", "connect", "none", TrackingPolicy.Default) { ShardSize = 128 }, Cancel);
        var pollId = Guid.CreateVersion7(now);
        Assert.True(await store.StartShardedPollAsync(pollId, tracker, "connect", now, ["10.0.0.0-10.0.0.127", "10.0.0.128-10.0.0.255"], Cancel));
        Assert.False(await store.StartShardedPollAsync(Guid.CreateVersion7(now), tracker, "connect", now, ["10.0.0.0-10.0.0.255"], Cancel));

        Assert.True(await store.HasRunningPollAsync(tracker.Id, Cancel));
        Assert.Null(await store.LeaseShardAsync(outsider.Id, now, TimeSpan.FromMinutes(1), Cancel));
        var first = (await store.LeaseShardAsync(a.Id, now, TimeSpan.FromMinutes(1), Cancel))!;
        var second = (await store.LeaseShardAsync(b.Id, now, TimeSpan.FromMinutes(1), Cancel))!;
        Assert.Equal(("10.0.0.0-10.0.0.127", "10.0.0.128-10.0.0.255"), (first.Targets, second.Targets));
        Assert.Equal((pollId, tracker.Id, device.Id), (first.PollId, first.TrackerId, first.DeviceId));
        Assert.Null(await store.LeaseShardAsync(b.Id, now, TimeSpan.FromMinutes(1), Cancel));

        // Agent a dies: its lease runs out and b takes the shard over.
        var later = now.AddMinutes(2);
        var taken = (await store.LeaseShardAsync(b.Id, later, TimeSpan.FromMinutes(1), Cancel))!;
        Assert.Equal((first.ShardId, 2), (taken.ShardId, taken.Attempt));
        Assert.False(await store.RenewShardAsync(first.ShardId, a.Id, later.AddMinutes(1), Cancel));
        Assert.True(await store.RenewShardAsync(taken.ShardId, b.Id, later.AddMinutes(1), Cancel));

        var part = ShardResult(device, pollId, later);
        Assert.Equal(ShardRecording.NotLeased, await store.RecordShardAsync(first.ShardId, a.Id, part, Cancel));
        Assert.Equal(ShardRecording.Recorded, await store.RecordShardAsync(taken.ShardId, b.Id, part, Cancel));
        Assert.Equal(ShardRecording.AlreadyRecorded, await store.RecordShardAsync(taken.ShardId, b.Id, part, Cancel));
        Assert.Null(await store.ShardTotalsIfCompleteAsync(pollId, Cancel));
        Assert.Equal(ShardRecording.Recorded, await store.RecordShardAsync(second.ShardId, b.Id, ShardResult(device, pollId, later), Cancel));

        var totals = (await store.ShardTotalsIfCompleteAsync(pollId, Cancel))!;
        Assert.Equal((2, 2, 2L), (totals.HostsScanned, totals.HostsUp, totals.Open));
        var poll = new PollRecord(pollId, device.Id, tracker.Id, "connect", now, later, totals, null);
        var completed = new TrackEvent
        {
            Id = Guid.CreateVersion7(later),
            Type = EventType.PollCompleted,
            DeviceId = device.Id,
            Device = device.Name,
            PollId = pollId,
            OccurredAt = later,
            RecordedAt = later,
            Payload = PollPayloads.PollCompleted(poll),
        };
        Assert.True(await store.CompleteShardedPollAsync(poll, [completed], Cancel));
        Assert.False(await store.CompleteShardedPollAsync(poll, [completed with { Id = Guid.CreateVersion7(later) }], Cancel));
        Assert.False(await store.HasRunningPollAsync(tracker.Id, Cancel));
        Assert.Equal(now.ToUnixTimeMilliseconds(), (await store.LastPollStartsAsync(Cancel))[tracker.Id].ToUnixTimeMilliseconds());
        Assert.True((await store.FindDeviceAsync("lan", Cancel))!.BaselineEstablished);
        Assert.Equal(2, (await store.ListPollsAsync(device.Id, 5, Cancel))[0].Counts.HostsUp);
    }

    [Fact]
    public async Task A_sharded_poll_started_again_after_it_completed_stays_completed()
    {
        await using var store = await NewStoreAsync();
        var now = DateTimeOffset.UtcNow;
        var device = await store.SaveDeviceAsync("lan", DeviceKind.Network, "10.0.0.0/24", Cancel);
        await store.AddEnrollmentTokenAsync("t1", now, now.AddHours(1), null, Cancel);
        var agent = (await store.EnrolAgentAsync("t1", "a", null, "c1", now, Cancel))!;
        await store.SetDeviceAgentsAsync(device.Id, [agent.Id], Cancel);
        var tracker = await store.SaveTrackerAsync(new Tracker(0, device.Id, "tcp", "1-1024", "", "connect", "none", TrackingPolicy.Default) { ShardSize = 128 }, Cancel);
        var pollId = Guid.CreateVersion7(now);
        string[] blocks = ["10.0.0.0-10.0.0.127", "10.0.0.128-10.0.0.255"];
        Assert.True(await store.StartShardedPollAsync(pollId, tracker, "connect", now, blocks, Cancel));
        while (await store.LeaseShardAsync(agent.Id, now, TimeSpan.FromMinutes(1), Cancel) is { } job)
        {
            Assert.Equal(ShardRecording.Recorded, await store.RecordShardAsync(job.ShardId, agent.Id, ShardResult(device, pollId, now), Cancel));
        }

        var totals = (await store.ShardTotalsIfCompleteAsync(pollId, Cancel))!;
        Assert.True(await store.CompleteShardedPollAsync(new PollRecord(pollId, device.Id, tracker.Id, "connect", now, now.AddMinutes(1), totals, null), [], Cancel));

        // A start request retried late (the first attempt committed, its answer was lost) neither revives the poll nor adds shards.
        Assert.False(await store.StartShardedPollAsync(pollId, tracker, "connect", now, blocks, Cancel));

        Assert.False(await store.HasRunningPollAsync(tracker.Id, Cancel));
        Assert.Equal(2, (await store.GetPollAsync(pollId, Cancel))!.Counts.HostsScanned);
        Assert.Single(await store.ListPollsAsync(device.Id, 10, Cancel));
    }

    [Fact]
    public async Task A_shards_block_is_found_by_its_id_with_its_poll_and_tracker()
    {
        await using var store = await NewStoreAsync();
        var now = DateTimeOffset.UtcNow;
        var device = await store.SaveDeviceAsync("lan", DeviceKind.Network, "10.0.0.0/24", Cancel);
        await store.AddEnrollmentTokenAsync("t1", now, now.AddHours(1), null, Cancel);
        var agent = (await store.EnrolAgentAsync("t1", "a", null, "c1", now, Cancel))!;
        await store.SetDeviceAgentsAsync(device.Id, [agent.Id], Cancel);
        var tracker = await store.SaveTrackerAsync(new Tracker(0, device.Id, "tcp", "1-1024", "", "connect", "none", TrackingPolicy.Default) { ShardSize = 128 }, Cancel);
        var pollId = Guid.CreateVersion7(now);
        Assert.True(await store.StartShardedPollAsync(pollId, tracker, "connect", now, ["10.0.0.0-10.0.0.127", "10.0.0.128-10.0.0.255"], Cancel));
        var job = (await store.LeaseShardAsync(agent.Id, now, TimeSpan.FromMinutes(1), Cancel))!;

        Assert.Equal(new ShardBlock(job.ShardId, pollId, tracker.Id, job.Targets), await store.GetShardBlockAsync(job.ShardId, Cancel));
        Assert.Null(await store.GetShardBlockAsync(job.ShardId + 1000, Cancel));
    }

    /// <summary>A shard's result: one host up with one open port, no events beyond the change set.</summary>
    private static PollResult ShardResult(Device device, Guid pollId, DateTimeOffset at)
    {
        var host = new HostBaseline($"10.0.0.{Random.Shared.Next(1, 250)}", Core.Scanning.HostState.Up) { FirstSeen = at, LastChanged = at };
        var port = new PortBaseline(new Core.Ports.PortKey(Core.Ports.Protocol.Tcp, 22), true) { FirstSeen = at, LastChanged = at };
        var poll = new PollRecord(pollId, device.Id, null, "connect", at, at, new PollCounts(1, 1, 0, 1024, 1, 1023, 0, 0), null);
        return new PollResult(poll, new BaselineChanges([host], [(host.Address, port)], []), [], false);
    }
}
