using System.Net;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;

namespace PortWarden.Core.Comparison;

/// <summary>How a host differs between two scans.</summary>
public enum HostChange
{
    /// <summary>Only the new scan lists the host.</summary>
    Added,

    /// <summary>Only the old scan lists the host.</summary>
    Removed,

    /// <summary>Down before, up now.</summary>
    WentUp,

    /// <summary>Up before, down now: its ports are not known now, so they are not reported closed.</summary>
    WentDown,

    /// <summary>Up in both, with ports or attributes that differ.</summary>
    Changed,
}

/// <summary>How a port differs between two scans.</summary>
public enum PortChange
{
    /// <summary>Not open before, open now.</summary>
    Opened,

    /// <summary>Open before, not open now.</summary>
    Closed,

    /// <summary>Not open in either, but in another state (e.g. closed to filtered).</summary>
    StateChanged,

    /// <summary>Open in both, with another service, product, version or extra information.</summary>
    ServiceChanged,

    /// <summary>Open on a host that was not up or not listed before.</summary>
    Appeared,

    /// <summary>Was open on a host that is no longer up or listed: its state now is unknown.</summary>
    Vanished,

    /// <summary>Open in one scan, but the other did not scan (or could not decide) the port: not compared.</summary>
    NotScanned,
}

/// <summary>One port's difference; a side's state is null when that scan did not list the port and its state is unknown.</summary>
public sealed record PortDifference(PortKey Key, PortChange Change, PortState? OldState, PortState? NewState, Observation? Old, Observation? New);

/// <summary>A host attribute that differs, e.g. its MAC address or host name.</summary>
public sealed record AttributeDifference(string Name, string? Old, string? New);

/// <summary>One host's differences.</summary>
public sealed record HostDifference(IPAddress Address, HostChange Change, HostSnapshot? Old, HostSnapshot? New)
{
    public IReadOnlyList<PortDifference> Ports { get; init; } = [];

    public IReadOnlyList<AttributeDifference> Attributes { get; init; } = [];

    /// <summary>The host's name in either scan, for display.</summary>
    public string? HostName => New?.Report.Target.HostName ?? Old?.Report.Target.HostName;

    /// <summary>False when all that is listed for the host is ports one scan did not scan: nothing is known to differ.</summary>
    public bool Differs => Change != HostChange.Changed || Attributes.Count > 0 || Ports.Any(port => port.Change != PortChange.NotScanned);
}

/// <summary>Totals of a comparison.</summary>
public sealed record ComparisonCounts
{
    public int HostsCompared { get; init; }

    public int HostsAdded { get; init; }

    public int HostsRemoved { get; init; }

    public int HostsWentUp { get; init; }

    public int HostsWentDown { get; init; }

    public int HostsChanged { get; init; }

    public int PortsOpened { get; init; }

    public int PortsClosed { get; init; }

    public int PortStateChanges { get; init; }

    public int ServiceChanges { get; init; }

    /// <summary>Hosts listed by one scan only while the other file was cut off: not known to be added or removed.</summary>
    public int HostsNotCompared { get; init; }

    /// <summary>Listed ports, not open, that the other scan did not cover.</summary>
    public int PortsNotCompared { get; init; }

    /// <summary>Open ports that the other scan did not scan or decide: listed as not scanned.</summary>
    public int PortsNotScanned { get; init; }
}

/// <summary>Everything that differs between two scans, hosts in address order.</summary>
public sealed record ScanDifference(ScanSource Old, ScanSource New, IReadOnlyList<HostDifference> Hosts, ComparisonCounts Counts)
{
    /// <summary>True when nothing differs among what could be compared.</summary>
    public bool Equal => !Hosts.Any(host => host.Differs);

    /// <summary>True when the comparison is partial: a file was cut off, or open ports of one scan were not scanned by the other.</summary>
    public bool Partial => Old.Truncated || New.Truncated || Counts.PortsNotScanned > 0;
}
