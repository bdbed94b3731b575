namespace PortWarden.NetLab;

/// <summary>
/// Shape of a lab host: which addresses of its /24 exist and answer, which exist but drop everything, whether
/// it also has IPv6, and how much random packet loss its link has. Addresses given by neither list do not
/// exist: probes to them fail neighbour resolution, as a dead host on a LAN does.
/// </summary>
public sealed record LabHostOptions
{
    /// <summary>Last octets of the addresses that answer.</summary>
    public IReadOnlyList<int> LiveHosts { get; init; } = [10];

    /// <summary>Last octets of addresses that exist but drop every packet (a host behind a drop-all firewall).</summary>
    public IReadOnlyList<int> SilentHosts { get; init; } = [];

    /// <summary>Also give the first live host an IPv6 address.</summary>
    public bool WithIPv6 { get; init; }

    /// <summary>Percentage of packets dropped at random, in each direction.</summary>
    public int LossPercent { get; init; }
}
