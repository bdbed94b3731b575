using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;

namespace PortWarden.Core.Tracking;

/// <summary>The confirmed state of one host of a device and its tracked ports.</summary>
public sealed record HostBaseline(string Address, HostState State)
{
    public string? HostName { get; init; }

    public DateTimeOffset FirstSeen { get; init; }

    public DateTimeOffset LastChanged { get; init; }

    public PendingChange? Pending { get; init; }

    public IReadOnlyDictionary<PortKey, PortBaseline> Ports { get; init; } = EmptyPorts;

    private static readonly IReadOnlyDictionary<PortKey, PortBaseline> EmptyPorts = new Dictionary<PortKey, PortBaseline>();

    public IEnumerable<PortBaseline> OpenPorts => Ports.Values.Where(port => port.Open);
}
