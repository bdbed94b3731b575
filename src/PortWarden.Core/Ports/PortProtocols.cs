namespace PortWarden.Core.Ports;

/// <summary>Which protocols a port range applies to.</summary>
[Flags]
public enum PortProtocols
{
    None = 0,
    Tcp = 1,
    Udp = 2,
    Both = Tcp | Udp,
}

public static class PortProtocolsExtensions
{
    public static bool Includes(this PortProtocols protocols, Protocol protocol) =>
        (protocols & (protocol == Protocol.Tcp ? PortProtocols.Tcp : PortProtocols.Udp)) != 0;
}
