using PortWarden.Core.Ports;

namespace PortWarden.Core.Comparison;

/// <summary>Where a scan being compared came from: its file, format and scanner, and what it covered.</summary>
/// <param name="Name">The file (or other source) as the user named it.</param>
/// <param name="Format">"nmap-xml" or "portwarden-json".</param>
public sealed record ScanSource(string Name, string Format)
{
    /// <summary>What made the scan, e.g. "nmap 7.93" or "portwarden connect".</summary>
    public string? Scanner { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>The scanner's command line, when the file records it.</summary>
    public string? Arguments { get; init; }

    /// <summary>The file stops before the scan's end: hosts it does not list were not decided.</summary>
    public bool Truncated { get; init; }

    /// <summary>The scan identified services by probing (nmap -sV); otherwise service names are guesses from port numbers.</summary>
    public bool IdentifiedServices { get; init; }

    /// <summary>The TCP ports the scan covered, or null when the file does not say.</summary>
    public PortSet? TcpPorts { get; init; }

    /// <summary>The UDP ports the scan covered, or null when the file does not say.</summary>
    public PortSet? UdpPorts { get; init; }

    /// <summary>False only when the file says which ports it covered and <paramref name="key"/> is not one of them.</summary>
    public bool Covers(PortKey key) => (key.Protocol == Protocol.Tcp ? TcpPorts : UdpPorts)?.Contains(key.Port) ?? true;
}
