using PortWarden.Agent.Wire;

namespace PortWarden.Agent.Checkpoints;

/// <summary>
/// What an interrupted poll needs besides its scan checkpoint to be finished later as the same poll: its id (the
/// idempotency key), when it started, the tracker as it was then (targets, ports, engine, options), the shard it
/// scanned, if any, and the port sets it covers. Kept beside the checkpoint as &lt;pollId&gt;.poll.json.
/// </summary>
public sealed record SavedPollInfo(
    Guid PollId,
    TrackerAssignment Tracker,
    long? ShardId,
    string? ShardTargets,
    DateTimeOffset StartedAt,
    string TcpPorts,
    string UdpPorts)
{
    /// <summary>How long the hub's shard leases last (as the first lease showed), to renew a resumed shard's lease in time.</summary>
    public TimeSpan? LeaseLength { get; init; }

    /// <summary>The shard this poll scans as a lease renewed at <paramref name="now"/>, or null for a whole-tracker poll.</summary>
    public ShardAssignment? Shard(DateTimeOffset now) =>
        ShardId is { } id ? new ShardAssignment(id, PollId, Tracker, ShardTargets ?? Tracker.Targets, now + (LeaseLength ?? TimeSpan.FromSeconds(30))) : null;
}
