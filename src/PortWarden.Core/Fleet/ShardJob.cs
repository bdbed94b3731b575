namespace PortWarden.Core.Fleet;

/// <summary>One leased piece of a sharded network poll: which addresses to scan for which tracker, until when the lease holds.</summary>
public sealed record ShardJob(long ShardId, Guid PollId, long TrackerId, long DeviceId, string Targets, int Attempt, DateTimeOffset LeaseUntil);

/// <summary>What recording a shard's results did.</summary>
public enum ShardRecording
{
    /// <summary>Recorded now.</summary>
    Recorded,

    /// <summary>Recorded before (a retried upload): nothing done twice.</summary>
    AlreadyRecorded,

    /// <summary>The agent no longer holds the lease (it expired and the shard went to another agent).</summary>
    NotLeased,
}
