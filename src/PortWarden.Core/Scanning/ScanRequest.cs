using PortWarden.Core.Ports;
using PortWarden.Core.Targets;

namespace PortWarden.Core.Scanning;

/// <summary>What to scan: hosts, the ports of each protocol, and how.</summary>
public sealed record ScanRequest(TargetSet Targets, PortSet TcpPorts, PortSet UdpPorts, ScanOptions Options)
{
    /// <summary>What an interrupted run already decided, when this run resumes it; null for a fresh scan.</summary>
    public ScanResume? Resume { get; init; }
}
