using System.Collections.Concurrent;
using PortWarden.Core.Fleet;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;
using PortWarden.Core.Tracking;
using PortWarden.Storage.Postgres;

namespace PortWarden.Storage.Tests;

/// <summary>
/// Several hub processes on one PostgreSQL database, played by several stores (each with its own connection pool)
/// used from many tasks at once.
/// </summary>
public sealed class PostgresConcurrencyTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Shards_leased_by_many_agents_at_once_each_go_to_exactly_one_agent()
    {
        var schema = await database.NewSchemaAsync();
        await using var hubA = await PostgresStore.OpenAsync(schema, Cancel);
        await using var hubB = await PostgresStore.OpenAsync(schema, Cancel);
        var now = DateTimeOffset.UtcNow;
        var device = await hubA.SaveDeviceAsync("lan", DeviceKind.Network, "10.0.0.0/16", Cancel);
        var agents = await EnrolAsync(hubA, 8, now);
        await hubA.SetDeviceAgentsAsync(device.Id, agents, Cancel);
        var tracker = await hubA.SaveTrackerAsync(new Tracker(0, device.Id, "tcp", "1-1024", "", "connect", "none", TrackingPolicy.Default) { ShardSize = 256 }, Cancel);
        const int Shards = 120;
        var pollId = Guid.CreateVersion7(now);
        await hubA.StartShardedPollAsync(pollId, tracker, "connect", now, [.. Enumerable.Range(0, Shards).Select(i => $"10.0.{i}.0/24")], Cancel);

        // 16 workers (two per agent, half on each hub) lease as fast as they can until every shard is out.
        var leased = new ConcurrentBag<(ShardJob Job, long Agent)>();
        var deadline = DateTimeOffset.UtcNow.AddMinutes(2);
        await Task.WhenAll(Enumerable.Range(0, 16).Select(worker => Task.Run(async () =>
        {
            var store = worker % 2 == 0 ? hubA : hubB;
            var agent = agents[worker % agents.Length];
            while (leased.Count < Shards && DateTimeOffset.UtcNow < deadline)
            {
                if (await store.LeaseShardAsync(agent, now, TimeSpan.FromMinutes(5), Cancel) is { } job)
                {
                    leased.Add((job, agent));
                }
            }
        }, Cancel)));

        Assert.Equal(Shards, leased.Count);
        Assert.Equal(Shards, leased.Select(l => l.Job.ShardId).Distinct().Count());
        Assert.All(leased, l => Assert.Equal(1, l.Job.Attempt));
        Assert.Equal(Enumerable.Range(0, Shards).Select(i => $"10.0.{i}.0/24").Order(), leased.Select(l => l.Job.Targets).Order());
        Assert.Null(await hubB.LeaseShardAsync(agents[0], now, TimeSpan.FromMinutes(5), Cancel));

        // Every lease is held by the agent that got it: each can record its shard, nobody else can.
        var recorded = await Task.WhenAll(leased.Select(l => Task.Run(async () =>
        {
            var other = agents.First(a => a != l.Agent);
            var stolen = await hubB.RecordShardAsync(l.Job.ShardId, other, ShardResult(device, pollId, l.Job), Cancel);
            var own = await hubA.RecordShardAsync(l.Job.ShardId, l.Agent, ShardResult(device, pollId, l.Job), Cancel);
            return (stolen, own);
        }, Cancel)));
        Assert.All(recorded, r => Assert.Equal((ShardRecording.NotLeased, ShardRecording.Recorded), r));
        Assert.Equal(Shards, (await hubB.ShardTotalsIfCompleteAsync(pollId, Cancel))!.HostsUp);
        Assert.Equal(Shards, (await hubA.LoadBaselineAsync(device, Cancel)).Hosts.Count);
    }

    [Fact]
    public async Task Hubs_starting_a_sharded_poll_of_one_tracker_at_once_start_one()
    {
        var schema = await database.NewSchemaAsync();
        await using var hubA = await PostgresStore.OpenAsync(schema, Cancel);
        await using var hubB = await PostgresStore.OpenAsync(schema, Cancel);
        var now = DateTimeOffset.UtcNow;
        var device = await hubA.SaveDeviceAsync("lan", DeviceKind.Network, "10.0.0.0/24", Cancel);
        var tracker = await hubA.SaveTrackerAsync(new Tracker(0, device.Id, "tcp", "1-1024", "", "connect", "none", TrackingPolicy.Default) { ShardSize = 128 }, Cancel);

        // Eight schedulers (four per hub) see the tracker due at the same moment.
        var started = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(
            () => (i % 2 == 0 ? hubA : hubB).StartShardedPollAsync(Guid.CreateVersion7(now), tracker, "connect", now, ["10.0.0.0/25", "10.0.0.128/25"], Cancel),
            Cancel)));

        Assert.Single(started, ok => ok);
        Assert.Single(await hubB.ListPollsAsync(device.Id, 10, Cancel));
        Assert.Equal(2L, await PostgresServer.ExecuteAsync(schema, "SELECT COUNT(*) FROM shards", Cancel));
    }

    [Fact]
    public async Task Two_hubs_completing_one_sharded_poll_at_once_complete_it_once()
    {
        var schema = await database.NewSchemaAsync();
        await using var hubA = await PostgresStore.OpenAsync(schema, Cancel);
        await using var hubB = await PostgresStore.OpenAsync(schema, Cancel);
        var now = DateTimeOffset.UtcNow;
        var device = await hubA.SaveDeviceAsync("lan", DeviceKind.Network, "10.0.0.0/24", Cancel);
        var agents = await EnrolAsync(hubA, 1, now);
        await hubA.SetDeviceAgentsAsync(device.Id, agents, Cancel);
        var tracker = await hubA.SaveTrackerAsync(new Tracker(0, device.Id, "tcp", "1-1024", "", "connect", "none", TrackingPolicy.Default) { ShardSize = 128 }, Cancel);

        for (var round = 0; round < 10; round++)
        {
            var pollId = Guid.CreateVersion7(now.AddMinutes(round));
            await hubA.StartShardedPollAsync(pollId, tracker, "connect", now.AddMinutes(round), ["10.0.0.0/25", "10.0.0.128/25"], Cancel);
            while (await hubA.LeaseShardAsync(agents[0], now, TimeSpan.FromMinutes(1), Cancel) is { } job)
            {
                Assert.Equal(ShardRecording.Recorded, await hubA.RecordShardAsync(job.ShardId, agents[0], ShardResult(device, pollId, job), Cancel));
            }

            var totals = (await hubA.ShardTotalsIfCompleteAsync(pollId, Cancel))!;
            var poll = new PollRecord(pollId, device.Id, tracker.Id, "connect", now.AddMinutes(round), now.AddMinutes(round + 1), totals, null);
            var outcomes = await Task.WhenAll(new[] { hubA, hubB }.Select(hub => Task.Run(
                () => hub.CompleteShardedPollAsync(poll, [Completed(device, poll)], Cancel), Cancel)));

            Assert.Single(outcomes, completed => completed);
        }

        var completions = await hubB.QueryEventsAsync(new EventQuery { Types = [EventType.PollCompleted] }, Cancel).CountAsync(Cancel);
        Assert.Equal(10, completions);
        Assert.False(await hubB.HasRunningPollAsync(tracker.Id, Cancel));
    }

    [Fact]
    public async Task Polls_of_different_devices_recorded_by_two_hubs_at_once_are_all_kept_whole()
    {
        var schema = await database.NewSchemaAsync();
        await using var hubA = await PostgresStore.OpenAsync(schema, Cancel);
        await using var hubB = await PostgresStore.OpenAsync(schema, Cancel);
        var ports = Enumerable.Range(1, 500).ToArray();

        // Two devices, each polled five times by its own task on its own hub, with a changing port set.
        var devices = new[] { await hubA.SaveDeviceAsync("a", DeviceKind.Network, "10.1.0.0/24", Cancel), await hubA.SaveDeviceAsync("b", DeviceKind.Network, "10.2.0.0/24", Cancel) };
        await Task.WhenAll(devices.Select((device, i) => Task.Run(async () =>
        {
            var store = i == 0 ? hubA : hubB;
            for (var poll = 0; poll < 5; poll++)
            {
                var current = (await store.GetDeviceAsync(device.Id, Cancel))!;
                var open = ports.Where(p => p % 5 != poll).ToArray();
                await StorePolls.PollAsync(store, current, [.. Enumerable.Range(1, 4).Select(h => ($"10.{i + 1}.0.{h}", open))]);
            }
        }, Cancel)));

        foreach (var device in devices)
        {
            var baseline = await hubB.LoadBaselineAsync(device, Cancel);
            Assert.Equal(4, baseline.Hosts.Count);
            Assert.All(baseline.Hosts.Values, host => Assert.Equal(ports.Where(p => p % 5 != 4), host.OpenPorts.Select(p => p.Key.Port).Order()));
            Assert.Equal(5, (await hubA.ListPollsAsync(device.Id, 10, Cancel)).Count);

            // From the second poll on, 100 ports close and 100 others open on each of the 4 hosts.
            var changes = await hubA.QueryEventsAsync(new EventQuery { DeviceId = device.Id, Types = [EventType.PortOpened, EventType.PortClosed] }, Cancel).CountAsync(Cancel);
            Assert.Equal(4 * 4 * 200, changes);
        }
    }

    [Fact]
    public async Task The_same_poll_uploaded_to_two_hubs_at_once_is_recorded_once()
    {
        var schema = await database.NewSchemaAsync();
        await using var hubA = await PostgresStore.OpenAsync(schema, Cancel);
        await using var hubB = await PostgresStore.OpenAsync(schema, Cancel);
        var device = await hubA.SaveDeviceAsync("lab", DeviceKind.Host, "10.0.0.1", Cancel);
        var baseline = await hubA.LoadBaselineAsync(device, Cancel);

        for (var round = 0; round < 10; round++)
        {
            var result = Diff(baseline, ("10.0.0.1", [22, 80 + round]));
            var outcomes = await Task.WhenAll(new[] { hubA, hubB }.Select(hub => Task.Run(() => hub.RecordPollAsync(result, Cancel), Cancel)));
            Assert.Single(outcomes, recorded => recorded);
        }

        Assert.Equal(10, (await hubB.ListPollsAsync(device.Id, 20, Cancel)).Count);
        Assert.Equal(10, await hubB.QueryEventsAsync(new EventQuery { Types = [EventType.PollCompleted] }, Cancel).CountAsync(Cancel));
    }

    [Fact]
    public async Task A_reader_paging_by_sequence_while_hubs_write_sees_every_event_once_in_order()
    {
        var schema = await database.NewSchemaAsync();
        await using var hubA = await PostgresStore.OpenAsync(schema, Cancel);
        await using var hubB = await PostgresStore.OpenAsync(schema, Cancel);
        await using var reader = await PostgresStore.OpenAsync(schema, Cancel);
        var devices = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => hubA.SaveDeviceAsync($"d{i}", DeviceKind.Host, $"10.0.3.{i}", Cancel)));

        // Writers of different sizes, so their transactions overlap and finish out of the order they started.
        var writers = Task.WhenAll(devices.Select((device, i) => Task.Run(async () =>
        {
            var store = i % 2 == 0 ? hubA : hubB;
            for (var poll = 0; poll < 8; poll++)
            {
                var current = (await store.GetDeviceAsync(device.Id, Cancel))!;
                var open = Enumerable.Range(1, 1 + ((poll + i) % 3 * 300)).ToArray();
                await StorePolls.PollAsync(store, current, ($"10.0.3.{i}", open));
            }
        }, Cancel)));

        // A tail -f on the log: ask for events after the last one seen, again and again, as an alert dispatcher does.
        var seen = new List<TrackEvent>();
        async Task CatchUpAsync()
        {
            var after = seen.Count == 0 ? 0 : seen[^1].Sequence;
            seen.AddRange(await reader.QueryEventsAsync(new EventQuery { AfterSequence = after, Limit = 50 }, Cancel).ToListAsync(Cancel));
        }

        while (!writers.IsCompleted)
        {
            await CatchUpAsync();
        }

        await writers;
        var before = -1;
        while (before != seen.Count)
        {
            before = seen.Count;
            await CatchUpAsync();
        }

        var all = await reader.QueryEventsAsync(new EventQuery(), Cancel).ToListAsync(Cancel);
        Assert.Equal(all.Select(e => e.Id), seen.Select(e => e.Id));
        Assert.Equal(6 * 8, all.Count(e => e.Type == EventType.PollCompleted));
    }

    private static async Task<long[]> EnrolAsync(PostgresStore store, int count, DateTimeOffset now)
    {
        var ids = new long[count];
        for (var i = 0; i < count; i++)
        {
            await store.AddEnrollmentTokenAsync($"token-{i}", now, now.AddHours(1), null, Cancel);
            ids[i] = (await store.EnrolAgentAsync($"token-{i}", $"agent-{i}", null, $"credential-{i}", now, Cancel))!.Id;
        }

        return ids;
    }

    /// <summary>A shard's result: the first host of its block up with port 22 open.</summary>
    private static PollResult ShardResult(Device device, Guid pollId, ShardJob job)
    {
        var at = DateTimeOffset.UtcNow;
        var host = new HostBaseline(job.Targets.Split('/')[0], HostState.Up) { FirstSeen = at, LastChanged = at };
        var port = new PortBaseline(new PortKey(Protocol.Tcp, 22), true) { FirstSeen = at, LastChanged = at };
        var poll = new PollRecord(pollId, device.Id, job.TrackerId, "connect", at, at, new PollCounts(1, 1, 0, 1024, 1, 1023, 0, 0), null);
        return new PollResult(poll, new BaselineChanges([host], [(host.Address, port)], []), [], false);
    }

    private static TrackEvent Completed(Device device, PollRecord poll) => new()
    {
        Id = Guid.CreateVersion7(poll.FinishedAt),
        Type = EventType.PollCompleted,
        DeviceId = device.Id,
        Device = device.Name,
        PollId = poll.Id,
        OccurredAt = poll.FinishedAt,
        RecordedAt = poll.FinishedAt,
        Payload = PollPayloads.PollCompleted(poll),
    };

    /// <summary>A poll's result diffed against a fixed baseline (without recording it), so the same result can be uploaded twice.</summary>
    private static PollResult Diff(DeviceBaseline baseline, (string Address, int[] Ports) host)
    {
        var started = DateTimeOffset.UtcNow;
        var context = new PollContext(Guid.CreateVersion7(started), null, started, StorePolls.Tcp, PortSet.Empty, TimeProvider.System);
        var diff = new PollDiff(baseline, context, TrackingPolicy.Default, ChangeClassifier.None);
        var target = new Core.Targets.ScanTarget(System.Net.IPAddress.Parse(host.Address), null);
        foreach (var port in host.Ports)
        {
            diff.Add(new Observation(target, Protocol.Tcp, port, PortState.Open, Reasons.SynAck));
        }

        diff.Add(new HostReport(target, HostState.Up, Reasons.SynAck, new PortCounts(host.Ports.Length, StorePolls.Tcp.Count - host.Ports.Length, 0)));
        return diff.Finish(DateTimeOffset.UtcNow, "connect", null);
    }
}
