using System.Net;
using PortWarden.Core.Ports;
using PortWarden.Core.Targets;

namespace PortWarden.Core.Scanning;

/// <summary>Something an engine streams out of a scan: a port observation, or the report that closes a host.</summary>
public abstract record ScanRecord(ScanTarget Target);

/// <summary>The state of one port of one host, as one poll saw it.</summary>
public sealed record Observation(ScanTarget Target, Protocol Protocol, int Port, PortState State, string Reason)
    : ScanRecord(Target)
{
    /// <summary>Service name: guessed from the port number, or identified by the engine.</summary>
    public string? Service { get; init; }

    /// <summary>
    /// The <see cref="Service"/> name is only what a port-number table says (nmap's method="table"), not what
    /// answered: another table names the same port differently, so such a name is never a service change.
    /// </summary>
    public bool ServiceGuessed { get; init; }

    /// <summary>Product, version and banner, when the engine identified the service.</summary>
    public ServiceDetail? Detail { get; init; }

    /// <summary>The local program owning the socket (self-scans only).</summary>
    public OwningProcess? Process { get; init; }

    /// <summary>The local address the socket is bound to (self-scans only): 0.0.0.0/:: means every interface.</summary>
    public IPAddress? BindAddress { get; init; }

    /// <summary>Round-trip time of the probe that decided the state, when measured.</summary>
    public TimeSpan? RoundTrip { get; init; }

    public PortKey Key => new(Protocol, Port);
}

/// <summary>
/// Closes a host: it comes after every <see cref="Observation"/> of that host, so a consumer may finish
/// the host when it arrives. A host reported up has had every requested port decided, except those listed
/// in <see cref="Undecided"/>: a requested port without an observation is not open (engines may leave out
/// closed ports). Counts cover all ports of the host, including unreported ones. A host without a report
/// (an interrupted scan) was not decided at all.
/// </summary>
public sealed record HostReport(ScanTarget Target, HostState State, string Reason, PortCounts Counts)
    : ScanRecord(Target)
{
    /// <summary>Requested ports the engine could not decide (errors, interruptions): neither open nor closed.</summary>
    public IReadOnlyList<PortKey> Undecided { get; init; } = [];

    /// <summary>The host's hardware address ("AA:BB:CC:DD:EE:FF"), when it is on the scanner's link and the engine saw it.</summary>
    public string? MacAddress { get; init; }

    /// <summary>The network card's maker, looked up from <see cref="MacAddress"/> by the engine.</summary>
    public string? MacVendor { get; init; }

    /// <summary>Every name the engine knows the host by: the one it was given, then reverse-DNS names.</summary>
    public IReadOnlyList<string> HostNames { get; init; } = [];
}

/// <summary>How many ports of a host ended in each state.</summary>
public sealed record PortCounts(int Open, int Closed, int Filtered, int Other = 0)
{
    public static PortCounts None { get; } = new(0, 0, 0);

    public int Total => Open + Closed + Filtered + Other;

    public PortCounts With(PortState state) => state switch
    {
        PortState.Open => this with { Open = Open + 1 },
        PortState.Closed => this with { Closed = Closed + 1 },
        PortState.Filtered => this with { Filtered = Filtered + 1 },
        _ => this with { Other = Other + 1 },
    };
}
