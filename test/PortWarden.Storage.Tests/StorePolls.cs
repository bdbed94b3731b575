using System.Net;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;
using PortWarden.Core.Targets;
using PortWarden.Core.Tracking;

namespace PortWarden.Storage.Tests;

/// <summary>Polls a device through a real store: load the baseline, diff synthetic scan records, record the result.</summary>
internal static class StorePolls
{
    public static readonly PortSet Tcp = PortSpec.Parse("1-1024").For(Protocol.Tcp);

    public static async Task<PollResult> PollAsync(IPortWardenStore store, Device device, params (string Address, int[] OpenPorts)[] hosts)
    {
        var baseline = await store.LoadBaselineAsync(device, CancellationToken.None);
        var windows = await store.ListChangeWindowsAsync(device.Id, CancellationToken.None);
        var started = DateTimeOffset.UtcNow;
        var context = new PollContext(Guid.CreateVersion7(started), null, started, Tcp, PortSet.Empty, TimeProvider.System);
        var diff = new PollDiff(baseline, context, TrackingPolicy.Default, new ChangeClassifier(windows));
        foreach (var (address, ports) in hosts)
        {
            var target = new ScanTarget(IPAddress.Parse(address), $"host-{address}");
            foreach (var port in ports)
            {
                diff.Add(new Observation(target, Protocol.Tcp, port, PortState.Open, Reasons.SynAck)
                {
                    Service = $"svc{port}",
                    Detail = new ServiceDetail("product", "1.0"),
                    Process = new OwningProcess(42, "daemon", "/usr/sbin/daemon", "root"),
                    BindAddress = IPAddress.Any,
                });
            }

            diff.Add(new HostReport(target, HostState.Up, Reasons.SynAck, new PortCounts(ports.Length, Tcp.Count - ports.Length, 0)));
        }

        var result = diff.Finish(DateTimeOffset.UtcNow, "connect", null);
        await store.RecordPollAsync(result, CancellationToken.None);
        return result;
    }
}
