namespace PortWarden.Core.Fleet;

/// <summary>One shard of a sharded poll as planned: which poll and tracker it belongs to and the address block it covers.</summary>
public sealed record ShardBlock(long ShardId, Guid PollId, long TrackerId, string Targets);
