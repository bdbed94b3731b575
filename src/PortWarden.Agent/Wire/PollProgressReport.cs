namespace PortWarden.Agent.Wire;

/// <summary>
/// How far a running poll (or one shard of it) has got: decided ports of all ports to decide. Sent while it
/// runs, at most about once a second, and once more with <see cref="Finished"/> when the scan ends.
/// </summary>
public sealed record PollProgressReport(Guid PollId, long TrackerId, long? ShardId, DateTimeOffset StartedAt, long Completed, long Total, bool Finished);
