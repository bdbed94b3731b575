using System.Net;

namespace PortWarden.Core.Targets;

/// <summary>One host to scan: its address, and the name it was given by when it came from a host name.</summary>
public sealed record ScanTarget(IPAddress Address, string? HostName = null)
{
    public override string ToString() => HostName is null ? Address.ToString() : $"{HostName} ({Address})";
}
