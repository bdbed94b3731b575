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
}
