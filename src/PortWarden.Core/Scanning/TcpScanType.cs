namespace PortWarden.Core.Scanning;

/// <summary>How an engine that offers a choice probes TCP ports.</summary>
public enum TcpScanType
{
    /// <summary>A full connect() per port: needs no privileges (nmap -sT).</summary>
    Connect,

    /// <summary>Half-open SYN probes over raw sockets: faster, needs root or CAP_NET_RAW (nmap -sS).</summary>
    Syn,
}
