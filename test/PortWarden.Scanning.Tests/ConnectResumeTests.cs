using System.Net;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;
using PortWarden.Core.Targets;
using static PortWarden.Scanning.Tests.LoopbackConnectTests;

namespace PortWarden.Scanning.Tests;

/// <summary>The connect engine given a resume point probes only what the interrupted run left undecided.</summary>
public sealed class ConnectResumeTests
{
    [Theory]
    [InlineData(Driver.Native)]
    [InlineData(Driver.PortableSockets)]
    public async Task Finished_hosts_and_decided_ports_are_not_probed_again(Driver driver)
    {
        using var listening = Listen(IPAddress.Loopback);
        using var alsoListening = Listen(IPAddress.Loopback);
        var closed = FreePort(IPAddress.Loopback);
        var target = new ScanTarget(IPAddress.Loopback, null);

        // The earlier run "decided" a listening port as filtered: probing it again would find it open.
        var resume = new ScanResume(
            [IPAddress.Parse("127.0.0.2")],
            [
                new Observation(target, Protocol.Tcp, Port(listening), PortState.Filtered, Reasons.NoResponse),
                new Observation(target, Protocol.Tcp, closed, PortState.Closed, Reasons.ConnectionRefused),
            ]);
        var request = await Scans.RequestAsync("127.0.0.1,127.0.0.2", $"{Port(listening)},{Port(alsoListening)},{closed}");

        var records = await Scans.Engine(driver).ScanAsync(request with { Resume = resume }, null, TestContext.Current.CancellationToken)
            .ToListAsync(TestContext.Current.CancellationToken);

        var observation = Assert.Single(records.OfType<Observation>());
        Assert.Equal((Port(alsoListening), PortState.Open), (observation.Port, observation.State));
        var report = Assert.Single(records.OfType<HostReport>());
        Assert.Equal(IPAddress.Loopback, report.Target.Address);
        Assert.Equal((HostState.Up, Reasons.ConnectionRefused, new PortCounts(1, 0, 0)), (report.State, report.Reason, report.Counts));
    }
}
