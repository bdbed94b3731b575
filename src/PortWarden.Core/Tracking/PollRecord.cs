namespace PortWarden.Core.Tracking;

/// <summary>One poll of a device: when, with which engine, what it saw, and whether it failed.</summary>
public sealed record PollRecord(
    Guid Id,
    long DeviceId,
    long? TrackerId,
    string Engine,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    PollCounts Counts,
    string? Error)
{
    public TimeSpan Duration => FinishedAt - StartedAt;

    /// <summary>A sharded poll whose shards are not all in yet.</summary>
    public bool Running { get; init; }
}

/// <summary>What a poll covered and found.</summary>
public sealed record PollCounts(
    int HostsScanned,
    int HostsUp,
    int HostsDown,
    long PortsScanned,
    long Open,
    long Closed,
    long Filtered,
    int Changes)
{
    public static PollCounts None { get; } = new(0, 0, 0, 0, 0, 0, 0, 0);
}
