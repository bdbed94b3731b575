using System.Diagnostics;
using PortWarden.Core.Scanning;
using PortWarden.NetLab;

namespace PortWarden.Scanning.Tests;

[Collection(NetworkLabTests.Name)]
public sealed class LabUdpTests(ITestOutputHelper log)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(0, Driver.Native)]
    [InlineData(5, Driver.Native)]
    [InlineData(0, Driver.PortableSockets)]
    public async Task Every_udp_state_of_a_namespace_host_is_exact(int lossPercent, Driver driver)
    {
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(new LabHostOptions { LossPercent = lossPercent }, Cancel);
        var truth = await UdpTruth.BuildAsync(host);
        var sources = await host.AddSourceAddressesAsync(16, cancellationToken: Cancel);
        var options = new ScanOptions { SourceAddresses = UdpScans.Sources(sources) };
        var clock = Stopwatch.StartNew();

        var result = await UdpScans.RunAsync(host.Address.ToString(), truth.PortSpec, options, driver, Cancel);

        log.WriteLine($"{truth.States.Count} ports in {clock.Elapsed.TotalSeconds:0.0} s");
        var wrong = truth.Compare(result, host.Address.ToString(), exactReasons: driver == Driver.Native);
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }
}
