namespace PortWarden.Core.Tracking;

/// <summary>
/// A tracking policy for a device: which ports (include/exclude, nmap syntax with T:/U: prefixes), which
/// engine, when to run, and how changes are confirmed and reported.
/// </summary>
public sealed record Tracker(
    long Id,
    long DeviceId,
    string Name,
    string Ports,
    string ExcludePorts,
    string Engine,
    string Schedule,
    TrackingPolicy Policy)
{
    /// <summary>Engine options (timeouts, rate, retries) as the JSON the store keeps.</summary>
    public string OptionsJson { get; init; } = "{}";

    public TrackerMode Mode { get; init; } = TrackerMode.Remote;

    /// <summary>For network trackers: split each poll into shards of this many addresses that agents lease; null scans in one piece.</summary>
    public int? ShardSize { get; init; }

    public bool Enabled { get; init; } = true;

    /// <summary>Set by "run now"; the agent runs the tracker once when it sees a request newer than its last run.</summary>
    public DateTimeOffset? RunRequestedAt { get; init; }
}
