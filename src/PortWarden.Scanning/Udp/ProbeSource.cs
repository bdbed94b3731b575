using System.Net;
using System.Net.Sockets;

namespace PortWarden.Scanning.Udp;

/// <summary>A local address probes are sent from (null: the system picks it), with its index in the scan's socket table.</summary>
internal sealed record ProbeSource(int Index, IPAddress? Address, AddressFamily Family)
{
    public override string ToString() => Address?.ToString() ?? (Family == AddressFamily.InterNetwork ? "0.0.0.0" : "::");
}
