using PortWarden.Core.Ports;

namespace PortWarden.Core.Tracking;

/// <summary>The facts of one poll the diff needs: its id, tracker, start, the ports it asked about, and the clock.</summary>
public sealed record PollContext(Guid PollId, long? TrackerId, DateTimeOffset StartedAt, PortSet TcpPorts, PortSet UdpPorts, TimeProvider Time)
{
    /// <summary>When the hosts were seen, for a scan recorded later (an imported file); null means as they arrive.</summary>
    public DateTimeOffset? ObservedAt { get; init; }

    public long PortsRequested => TcpPorts.Count + UdpPorts.Count;

    public bool Requested(PortKey key) => (key.Protocol == Protocol.Tcp ? TcpPorts : UdpPorts).Contains(key.Port);
}
