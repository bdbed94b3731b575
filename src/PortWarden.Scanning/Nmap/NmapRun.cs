using PortWarden.Core.Ports;

namespace PortWarden.Scanning.Nmap;

/// <summary>What an nmap run says about itself in its XML: the scanner, its command line, its start, its scan types and ports.</summary>
public sealed record NmapRun(string Scanner, string? Arguments, DateTimeOffset? StartedAt, string? Version)
{
    /// <summary>One entry per scan type (connect, syn, udp, …) with the ports it covered.</summary>
    public IReadOnlyList<NmapScanInfo> Scans { get; init; } = [];

    /// <summary>The ports the run scanned for <paramref name="protocol"/>, or null when the XML does not say.</summary>
    public PortSet? RequestedPorts(Protocol protocol)
    {
        var wire = protocol.ToWireName();
        var lists = Scans.Where(scan => string.Equals(scan.Protocol, wire, StringComparison.OrdinalIgnoreCase)).ToList();
        if (lists.Count == 0)
        {
            return Scans.Count == 0 ? null : PortSet.Empty;
        }

        try
        {
            var services = string.Join(',', lists.Select(scan => scan.Services).Where(text => text.Length > 0));
            return services.Length == 0 ? PortSet.Empty : PortSpec.Parse(services).For(protocol);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

/// <summary>One &lt;scaninfo&gt;: a scan type ("connect", "syn", "udp", …), its protocol and nmap's port list.</summary>
public sealed record NmapScanInfo(string Type, string Protocol, string Services);

/// <summary>How the run ended (&lt;runstats&gt;&lt;finished&gt;): "success" or "error" with nmap's message.</summary>
public sealed record NmapRunEnd(DateTimeOffset? FinishedAt, string? Exit, string? ErrorMessage, string? Summary);

/// <summary>An nmap progress report (&lt;taskprogress&gt;, written every --stats-every): the task and how far it is.</summary>
public sealed record NmapTaskProgress(string Task, double Percent, TimeSpan? Remaining);

/// <summary>A target nmap refused to scan (&lt;target status="skipped"&gt;), e.g. a name that does not resolve.</summary>
public sealed record NmapSkippedTarget(string Specification, string? Reason);
