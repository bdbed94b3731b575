using System.Net;
using Microsoft.Extensions.Logging;
using PortWarden.Agent;
using PortWarden.Agent.Checkpoints;
using PortWarden.Agent.Wire;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;
using PortWarden.Core.Targets;
using PortWarden.Core.Tracking;
using PortWarden.NetLab;

namespace PortWarden.Hub.Tests.Checkpoints;

/// <summary>What an agent does at start with the interrupted polls it finds: finish, or discard with a reason, never crash.</summary>
[Collection(NetworkLabTests.Name)]
public sealed class AgentResumeTests(ITestOutputHelper output)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Unfinishable_saved_polls_are_discarded_with_a_reason_and_a_poll_both_queued_and_checkpointed_is_delivered_once()
    {
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(cancellationToken: Cancel);
        host.Listen(22);
        await using var hub = await TestHub.StartAsync(cancellationToken: Cancel);
        var identity = await hub.EnrolAsync("branch");
        var device = await hub.DeviceAsync("branch-gw", host.Address.ToString(), identity.AgentId);
        await hub.TrackerAsync(device, "tcp", new { schedule = new { atStartup = true } });
        using var connection = new HttpHubConnection(hub.BaseAddress, identity.Credential);
        var assigned = Assert.Single(await connection.GetTrackersAsync(Cancel));

        using var logs = new CollectingLogger();
        using var loggers = LoggerFactory.Create(builder => builder.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        await using var agent = new TestAgent(hub.BaseAddress, identity, loggers);
        var checkpoints = new PollCheckpoints(Path.Combine(agent.DataDirectory, "checkpoints"), TimeProvider.System);
        var address = host.Address.ToString();

        var corrupt = await SavedPolls.WriteAsync(checkpoints, assigned, address);
        await File.AppendAllTextAsync(checkpoints.CheckpointPath(corrupt), "not json\n{}\n", Cancel);
        var unassigned = await SavedPolls.WriteAsync(checkpoints, assigned with { TrackerId = 9999, Name = "gone" }, address);
        var otherOptions = await SavedPolls.WriteAsync(checkpoints, assigned, address, new TrackerOptions { TimeoutMs = 777 });
        var shard = await SavedPolls.WriteAsync(checkpoints, assigned, address, shardId: 4242);
        var queued = await SavedPolls.WriteAsync(checkpoints, assigned, address);
        agent.Outbox.Add(FinishedPoll(queued, assigned, host.Address));

        await agent.StartAsync();
        try
        {
            await Waiting.UntilAsync(async () => (await hub.GetAsync($"api/v1/devices/{device}/polls")).GetArrayLength() == 2 && agent.Outbox.Count == 0,
                TimeSpan.FromSeconds(60), "the queued poll and the startup poll");
        }
        finally
        {
            output.WriteLine(string.Join('\n', logs.Lines));
            output.WriteLine((await hub.GetAsync($"api/v1/devices/{device}/polls")).ToString());
        }

        Assert.Empty(Directory.EnumerateFileSystemEntries(checkpoints.Directory));
        var ids = (await hub.GetAsync($"api/v1/devices/{device}/polls?limit=100")).EnumerateArray().Select(p => p.GetProperty("id").GetGuid()).ToList();
        Assert.Single(ids, queued);
        Assert.DoesNotContain(corrupt, ids);
        Assert.DoesNotContain(otherOptions, ids);
        Assert.DoesNotContain(shard, ids);
        var lines = logs.Lines;
        Assert.Contains(lines, line => line.StartsWith($"Warning: Discarded the checkpoint of poll {corrupt}: ", StringComparison.Ordinal) && line.Contains("is corrupt at line", StringComparison.Ordinal));
        Assert.Contains($"Warning: Discarded the checkpoint of poll {unassigned}: tracker 9999 ('gone') is no longer assigned to this agent", lines);
        Assert.Contains(lines, line => line.StartsWith($"Warning: Discarded the checkpoint of poll {otherOptions}: tracker 'tcp' changed since the poll started: options {{\"timeoutMs\":777}}", StringComparison.Ordinal));
        Assert.Contains($"Warning: Discarded the checkpoint of poll {queued}: the finished poll is already waiting in the outbox", lines);
        Assert.Contains($"Warning: Discarded the checkpoint of poll {shard}: the lease of shard 4242 is lost; the hub gives the shard to another agent", lines);
        Assert.DoesNotContain(lines, line => line.Contains("Resuming poll", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_saved_poll_of_an_assigned_tracker_is_finished_as_the_same_poll_before_the_tracker_is_scheduled()
    {
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(cancellationToken: Cancel);
        host.Listen(2);
        host.Listen(5);
        await using var hub = await TestHub.StartAsync(cancellationToken: Cancel);
        var identity = await hub.EnrolAsync("branch");
        var device = await hub.DeviceAsync("branch-gw", host.Address.ToString(), identity.AgentId);
        await hub.TrackerAsync(device, "tcp", new { ports = "1-20", schedule = new { atStartup = true } });
        using var connection = new HttpHubConnection(hub.BaseAddress, identity.Credential);
        var assigned = Assert.Single(await connection.GetTrackersAsync(Cancel));
        await using var agent = new TestAgent(hub.BaseAddress, identity);
        var checkpoints = new PollCheckpoints(Path.Combine(agent.DataDirectory, "checkpoints"), TimeProvider.System);

        // The interrupted run decided port 1 open and port 2 closed, the opposite of the host now: only a rescan would see it.
        var saved = await SavedPolls.WriteAsync(checkpoints, assigned, host.Address.ToString());
        var started = Assert.Single(checkpoints.Find()).Poll!.Info.StartedAt;

        await agent.StartAsync();
        await Waiting.UntilAsync(async () => (await hub.GetAsync($"api/v1/devices/{device}/polls")).GetArrayLength() >= 1 && agent.Outbox.Count == 0,
            TimeSpan.FromSeconds(60), "the resumed poll");

        var poll = Assert.Single((await hub.GetAsync($"api/v1/devices/{device}/polls")).EnumerateArray());
        Assert.Equal(saved, poll.GetProperty("id").GetGuid());
        Assert.Equal(started.ToUnixTimeMilliseconds(), poll.GetProperty("startedAt").GetDateTimeOffset().ToUnixTimeMilliseconds());
        Assert.Equal((2L, 18L), (poll.GetProperty("open").GetInt64(), poll.GetProperty("closed").GetInt64()));
        var baseline = await hub.GetAsync($"api/v1/devices/{device}/baseline");
        Assert.Equal([1, 5], baseline[0].GetProperty("ports").EnumerateArray().Select(p => p.GetProperty("port").GetInt32()));
        Assert.Empty(Directory.EnumerateFileSystemEntries(checkpoints.Directory));
    }

    private static PollUpload FinishedPoll(Guid pollId, TrackerAssignment tracker, IPAddress address)
    {
        var target = new ScanTarget(address, null);
        var builder = new UploadBuilder();
        builder.Add(new Observation(target, Protocol.Tcp, 22, PortState.Open, Reasons.SynAck));
        builder.Add(new HostReport(target, HostState.Up, Reasons.SynAck, new PortCounts(1, 199, 0)));
        var now = DateTimeOffset.UtcNow;
        return builder.Build(pollId, tracker.TrackerId, null, now.AddMinutes(-1), now, "connect", null, PortSpec.Parse(tracker.Ports).For(Protocol.Tcp), PortSet.Empty);
    }
}
