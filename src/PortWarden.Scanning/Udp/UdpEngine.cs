using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;
using PortWarden.Scanning.Udp.Linux;

namespace PortWarden.Scanning.Udp;

/// <summary>
/// The built-in UDP scanner. Protocol probes (DNS, NTP, SNMP, …) draw answers from open services; closed ports
/// answer with ICMP port unreachable. Targets limit those ICMP errors (Linux: 1 per second per source address,
/// bursts of 6; 1000 per second in all), so the engine keeps a copy of each target's budgets and never sends
/// faster than they refill (measuring the limits first when the scan is long), spreads probes over several
/// source addresses when given them, and proves every silence: a port is reported open|filtered only after
/// enough attempts whose rounds ended with an answered canary (a probe of a known closed port), which shows the
/// target was not suppressing errors. Needs no privileges.
/// </summary>
public sealed class UdpEngine : IScanEngine
{
    private readonly TimeProvider time;
    private readonly ServiceTable services;
    private readonly Func<IUdpDriver> drivers;

    public UdpEngine()
        : this(TimeProvider.System, ServiceTable.Default)
    {
    }

    public UdpEngine(TimeProvider time, ServiceTable services)
        : this(time, services, OperatingSystem.IsLinux() ? () => new RecvErrUdpDriver(time) : () => new SocketUdpDriver(time))
    {
    }

    internal UdpEngine(TimeProvider time, ServiceTable services, Func<IUdpDriver> drivers)
    {
        this.time = time;
        this.services = services;
        this.drivers = drivers;
    }

    public string Name => "udp";

    public IAsyncEnumerable<ScanRecord> ScanAsync(ScanRequest request, IProgress<ScanProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new UdpScan(request, time, services, drivers(), progress).RunAsync(cancellationToken);
    }
}
