using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;

namespace PortWarden.Cli.Output;

/// <summary>Totals of a finished (or interrupted) scan, gathered from the records as they stream past.</summary>
internal sealed class ScanSummary(string engine, DateTimeOffset startedAt)
{
    public string Engine { get; } = engine;

    public DateTimeOffset StartedAt { get; } = startedAt;

    /// <summary>The TCP ports the scan covers, when known.</summary>
    public PortSet? TcpPorts { get; init; }

    /// <summary>The UDP ports the scan covers, when known.</summary>
    public PortSet? UdpPorts { get; init; }

    /// <summary>The engine identifies services (nmap -sV).</summary>
    public bool ServiceDetection { get; init; }

    public DateTimeOffset FinishedAt { get; private set; } = startedAt;

    public int HostsUp { get; private set; }

    public int HostsDown { get; private set; }

    public PortCounts Ports { get; private set; } = PortCounts.None;

    public TimeSpan Duration => FinishedAt - StartedAt;

    public void Add(ScanRecord record)
    {
        if (record is not HostReport report)
        {
            return;
        }

        if (report.State == HostState.Up)
        {
            HostsUp++;
        }
        else
        {
            HostsDown++;
        }

        Ports = new PortCounts(
            Ports.Open + report.Counts.Open,
            Ports.Closed + report.Counts.Closed,
            Ports.Filtered + report.Counts.Filtered,
            Ports.Other + report.Counts.Other);
    }

    public void Finish(DateTimeOffset finishedAt) => FinishedAt = finishedAt;
}
