using System.Net;
using PortWarden.Core.Scanning;
using PortWarden.NetLab;
using PortWarden.Scanning.Connect;

namespace PortWarden.Scanning.Tests;

[Collection(NetworkLabTests.Name)]
public sealed class LabConnectTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(Driver.Native)]
    [InlineData(Driver.PortableSockets)]
    public async Task Open_closed_dropped_and_rejected_ports_of_a_namespace_host_are_exact_and_match_nmap(Driver driver)
    {
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(cancellationToken: Cancel);
        host.Listen(22);
        host.Listen(8080);
        await host.SetFirewallAsync(
            "tcp dport { 81, 9000 } drop",
            "tcp dport 82 reject with icmpx type admin-prohibited",
            "tcp dport 83 reject with tcp reset");
        var address = host.Address.ToString();
        const string Ports = "21-23,80-83,8080,9000";

        var result = await Scans.ConnectAsync(address, Ports, driver: driver, cancellationToken: Cancel);

        Assert.Equal(PortState.Open, result.StateOf(address, 22));
        Assert.Equal(PortState.Open, result.StateOf(address, 8080));
        Assert.Equal("http-proxy", result.Port(address, 8080).Service);
        foreach (var closed in new[] { 21, 23, 80, 83 })
        {
            Assert.Equal(PortState.Closed, result.StateOf(address, closed));
        }

        Assert.Equal((PortState.Filtered, Reasons.NoResponse), (result.StateOf(address, 81), result.Port(address, 81).Reason));
        Assert.Equal(PortState.Filtered, result.StateOf(address, 9000));
        Assert.Equal((PortState.Filtered, Reasons.HostUnreachable), (result.StateOf(address, 82), result.Port(address, 82).Reason));

        var nmap = await Nmap.ConnectScanAsync(address, Ports, Cancel);
        var ours = result.Ports.OrderBy(o => o.Port).Select(o => $"{o.Port}:{o.State.ToWireName()}").ToList();
        Assert.Equal(nmap.OrderBy(Nmap.Port), ours);
    }

    [Fact]
    public async Task IPv6_namespace_host_is_scanned()
    {
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(new LabHostOptions { WithIPv6 = true }, Cancel);
        host.Listen(443, IPAddress.IPv6Any);
        await host.SetFirewallAsync("tcp dport 444 drop");

        var result = await Scans.ConnectAsync(host.AddressV6!.ToString(), "442-444", cancellationToken: Cancel);

        var v6 = host.AddressV6.ToString();
        Assert.Equal(PortState.Closed, result.StateOf(v6, 442));
        Assert.Equal(PortState.Open, result.StateOf(v6, 443));
        Assert.Equal(PortState.Filtered, result.StateOf(v6, 444));
    }

    [Theory]
    [InlineData(0, Driver.Native)]
    [InlineData(5, Driver.Native)]
    [InlineData(0, Driver.PortableSockets)]
    [InlineData(5, Driver.PortableSockets)]
    public async Task Every_live_host_and_port_of_a_64_address_network_is_found_and_dead_hosts_are_down(int lossPercent, Driver driver)
    {
        await using var lab = new NetworkLab();
        int[] live = [64, 65, 70, 77, 83, 90, 99, 100, 113, 127];
        int[] silent = [66, 101];
        var host = await lab.AddHostAsync(new LabHostOptions { LiveHosts = live, SilentHosts = silent, LossPercent = lossPercent }, Cancel);
        var expectedOpen = new List<string>();
        foreach (var (octet, index) in live.Select((octet, index) => (octet, index)))
        {
            var address = host.AddressAt(octet);
            foreach (var port in new[] { 22, 100 + index, 1000 - index })
            {
                host.Listen(port, address);
                expectedOpen.Add($"{address}:{port}");
            }
        }

        var result = await Scans.ConnectAsync(host.Range(64, 127), "1-1024", driver: driver, cancellationToken: Cancel);

        Assert.Equal(expectedOpen.Order(StringComparer.Ordinal), result.OpenPorts);
        Assert.Equal(64, result.Hosts.Count());
        var up = result.Hosts.Where(h => h.State == HostState.Up).Select(h => h.Target.Address).ToHashSet();
        Assert.Equal(live.Select(host.AddressAt).ToHashSet(), up);
        Assert.All(result.Hosts.Where(h => h.State == HostState.Up), h => Assert.Equal(new PortCounts(3, 1021, 0), h.Counts));
        Assert.DoesNotContain(result.Ports, o => !up.Contains(o.Target.Address));
    }

    [Theory]
    [InlineData(Driver.Native)]
    [InlineData(Driver.PortableSockets)]
    public async Task Cancellation_mid_scan_stops_promptly(Driver driver)
    {
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(new LabHostOptions { LiveHosts = [10], SilentHosts = [11, 12, 13, 14] }, Cancel);
        host.Listen(22);
        var request = await Scans.RequestAsync(host.Range(10, 14), "1-5000", new ScanOptions { HostDiscovery = false, Concurrency = 64 });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        var seen = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var scan = Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var record in Scans.Engine(driver).ScanAsync(request, null, stop.Token))
            {
                if (++seen == 100)
                {
                    clock.Restart();
                    await stop.CancelAsync();
                }
            }
        });
        await scan;

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"the scan took {clock.Elapsed} to stop after cancellation");
    }

    [Fact]
    public async Task Progress_counts_up_to_the_total()
    {
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(new LabHostOptions { LiveHosts = [10, 11] }, Cancel);
        host.Listen(22);
        var request = await Scans.RequestAsync(host.Range(10, 13), "1-2000");
        var reports = new List<ScanProgress>();
        var progress = new SynchronousProgress(reports);

        await new ConnectEngine().ScanAsync(request, progress, Cancel).ToListAsync(Cancel);

        lock (reports)
        {
            var last = reports[^1];
            Assert.Equal(8000, last.Total);
            Assert.Equal(8000, last.Completed);
            Assert.True(reports.Zip(reports.Skip(1)).All(pair => pair.First.Completed <= pair.Second.Completed));
        }
    }

    private sealed class SynchronousProgress(List<ScanProgress> reports) : IProgress<ScanProgress>
    {
        public void Report(ScanProgress value)
        {
            lock (reports)
            {
                reports.Add(value);
            }
        }
    }
}
