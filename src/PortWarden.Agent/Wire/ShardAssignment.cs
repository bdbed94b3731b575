namespace PortWarden.Agent.Wire;

/// <summary>A leased shard: the addresses to scan for a tracker, as part of a poll, until the lease ends.</summary>
public sealed record ShardAssignment(long ShardId, Guid PollId, TrackerAssignment Tracker, string Targets, DateTimeOffset LeaseUntil);
