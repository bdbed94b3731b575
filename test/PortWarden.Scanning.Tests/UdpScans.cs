using System.Net;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;
using PortWarden.Core.Targets;
using PortWarden.Scanning.Udp;

namespace PortWarden.Scanning.Tests;

/// <summary>Builds UDP scan requests and runs the UDP engine with the driver under test.</summary>
internal static class UdpScans
{
    public static async Task<ScanRequest> RequestAsync(string targets, string ports, ScanOptions? options = null)
    {
        var set = await TargetSet.ParseAsync(targets, null, allowLarge: false, new SystemHostResolver(), CancellationToken.None);
        return new ScanRequest(set, PortSet.Empty, PortSpec.Parse(ports).For(Protocol.Udp), options ?? new ScanOptions());
    }

    public static async Task<ScanResult> RunAsync(
        string targets, string ports, ScanOptions? options = null, Driver driver = Driver.Native, CancellationToken cancellationToken = default)
    {
        var request = await RequestAsync(targets, ports, options);
        var records = await Engine(driver).ScanAsync(request, null, cancellationToken).ToListAsync(cancellationToken);
        return new ScanResult(records);
    }

    public static UdpEngine Engine(Driver driver) => driver == Driver.Native
        ? new UdpEngine()
        : new UdpEngine(TimeProvider.System, ServiceTable.Default, () => new SocketUdpDriver(TimeProvider.System));

    public static SourceAddressSpec Sources(IEnumerable<IPAddress> addresses) => SourceAddressSpec.Parse(string.Join(',', addresses));
}
