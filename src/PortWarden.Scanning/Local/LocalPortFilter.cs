using PortWarden.Core.Ports;

namespace PortWarden.Scanning.Local;

/// <summary>The ports a self-scan reports, per protocol (the request's include/exclude specs).</summary>
internal sealed record LocalPortFilter(PortSet Tcp, PortSet Udp)
{
    public static LocalPortFilter All { get; } = new(PortSet.Of(Enumerable.Range(1, 65535)), PortSet.Of(Enumerable.Range(1, 65535)));

    public bool Wants(Protocol protocol, int port) => For(protocol).Contains(port);

    public PortSet For(Protocol protocol) => protocol == Protocol.Tcp ? Tcp : Udp;

    public bool IsEmpty => Tcp.IsEmpty && Udp.IsEmpty;
}
