namespace PortWarden.Core.Scanning;

/// <summary>How hard and how patiently to probe. Defaults suit a LAN; every value can be set per tracker or command.</summary>
public sealed record ScanOptions
{
    /// <summary>Longest wait for one probe's answer; the adaptive timeout never exceeds it.</summary>
    public TimeSpan MaxTimeout { get; init; } = TimeSpan.FromMilliseconds(1000);

    /// <summary>Shortest wait for one probe's answer, however fast the host has answered so far.</summary>
    public TimeSpan MinTimeout { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Wait for the first probes of a host, before any round trip has been measured.</summary>
    public TimeSpan InitialTimeout { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Most probes in flight at once (each holds a socket).</summary>
    public int Concurrency { get; init; } = 1024;

    /// <summary>Most probes started per second, or null for no limit beyond <see cref="Concurrency"/>.</summary>
    public double? RatePerSecond { get; init; }

    /// <summary>Most retransmissions of an unanswered probe; fewer are sent when the path shows no loss.</summary>
    public int MaxRetries { get; init; } = 10;

    /// <summary>Probe a few ports first and skip hosts that answer none of them.</summary>
    public bool HostDiscovery { get; init; } = true;

    /// <summary>Hosts scanned at the same time.</summary>
    public int HostParallelism { get; init; } = 256;

    /// <summary>How TCP ports are probed, for engines that offer a choice (nmap): connect (no privileges) or SYN.</summary>
    public TcpScanType TcpScanType { get; init; } = TcpScanType.Connect;

    /// <summary>Identify the product and version behind open ports (nmap -sV), at the cost of extra probes.</summary>
    public bool ServiceDetection { get; init; }

    /// <summary>The nmap executable to run; null looks on PATH, then in the platform's install location.</summary>
    public string? NmapPath { get; init; }

    /// <summary>Extra nmap options, each "NAME" or "NAME=VALUE" (e.g. "-T4", "--max-rate=500"); only allow-listed ones are accepted.</summary>
    public IReadOnlyList<string> NmapExtraArguments { get; init; } = [];

    /// <summary>Local addresses to send probes from (engines that support it, e.g. udp), or null for the system's choice.</summary>
    public SourceAddressSpec? SourceAddresses { get; init; }
}
