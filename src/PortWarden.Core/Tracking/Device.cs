namespace PortWarden.Core.Tracking;

/// <summary>Something whose open ports are tracked: a host or a named network, with the targets that make it up.</summary>
public sealed record Device(long Id, string Name, DeviceKind Kind, string Targets, DateTimeOffset CreatedAt)
{
    /// <summary>True once a first poll has recorded the baseline; later polls report changes against it.</summary>
    public bool BaselineEstablished { get; init; }

    /// <summary>Start of the last completed poll, if any.</summary>
    public DateTimeOffset? LastPollAt { get; init; }

    /// <summary>The agents that run this device's trackers (several share a sharded network scan).</summary>
    public IReadOnlyList<long> AgentIds { get; init; } = [];

    /// <summary>
    /// The expected state: the ports allowed to be open on the device's hosts (nmap syntax, T:/U: prefixes); any other
    /// open port is a violation on every report. Null when the device has no allow-list.
    /// </summary>
    public string? ExpectedPorts { get; init; }
}
