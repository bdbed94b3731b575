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

    /// <summary>Whether it decided everything it reported, some of it, or nothing.</summary>
    public PollOutcome Outcome { get; init; }

    /// <summary>False for a poll older than one already applied: kept as history, it did not move the baseline.</summary>
    public bool Applied { get; init; } = true;

    /// <summary>Why the poll did not change the baseline, when it did not (late, failed); null otherwise.</summary>
    public string? Note { get; init; }

    /// <summary>The agent that uploaded it; null for polls run by the CLI or sharded polls run by several agents.</summary>
    public long? AgentId { get; init; }

    /// <summary>True when the poll may have changed the baseline: applied, and it decided something.</summary>
    public bool Decided => Applied && Outcome != PollOutcome.Failed && Counts.HostsScanned > 0;
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
