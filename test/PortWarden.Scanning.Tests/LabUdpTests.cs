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

    [Fact]
    public async Task With_the_systems_single_source_the_default_limits_are_respected_and_every_state_is_exact()
    {
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(cancellationToken: Cancel);
        var truth = await UdpTruth.BuildAsync(host, lastPort: 10);
        var before = await IcmpSuppressedAsync(host);

        var result = await UdpScans.RunAsync(host.Address.ToString(), truth.PortSpec, cancellationToken: Cancel);

        var wrong = truth.Compare(result, host.Address.ToString(), exactReasons: true);
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
        var suppressed = await IcmpSuppressedAsync(host) - before;
        log.WriteLine($"the target suppressed {suppressed} ICMP errors (calibration canaries included)");
    }

    [Fact]
    public async Task A_scan_under_a_low_probe_rate_finishes_and_every_state_is_exact()
    {
        // Slower than one probe per 10 ms: the rate's bucket holds a single round's worth, which rounds must not outgrow.
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(cancellationToken: Cancel);
        var truth = await UdpTruth.BuildAsync(host, lastPort: 40);
        var sources = await host.AddSourceAddressesAsync(8, cancellationToken: Cancel);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        limit.CancelAfter(TimeSpan.FromSeconds(60));

        var result = await UdpScans.RunAsync(host.Address.ToString(), truth.PortSpec, new ScanOptions { SourceAddresses = UdpScans.Sources(sources), RatePerSecond = 20 }, cancellationToken: limit.Token);

        var wrong = truth.Compare(result, host.Address.ToString(), exactReasons: true);
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public async Task IPv6_ports_are_exact_with_IPv6_sources()
    {
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(new LabHostOptions { WithIPv6 = true }, Cancel);
        var truth = await UdpTruth.BuildAsync(host, lastPort: 40);
        var sources = await host.AddSourceAddressesAsync(8, System.Net.Sockets.AddressFamily.InterNetworkV6, Cancel);
        var v6 = host.AddressV6!.ToString();

        var result = await UdpScans.RunAsync(v6, truth.PortSpec, new ScanOptions { SourceAddresses = UdpScans.Sources(sources) }, cancellationToken: Cancel);

        var wrong = truth.Compare(result, v6, exactReasons: true);
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public async Task A_network_scan_finds_live_hosts_exact_and_silent_or_missing_ones_down()
    {
        // Both live addresses belong to one namespace and so share its ICMP limits: twice what each host's budget
        // copy assumes. Canaries catch the suppressed errors and the states stay exact.
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(new LabHostOptions { LiveHosts = [10, 11], SilentHosts = [12] }, Cancel);
        var truth = await UdpTruth.BuildAsync(host, lastPort: 20);
        var sources = await host.AddSourceAddressesAsync(8, cancellationToken: Cancel);

        var result = await UdpScans.RunAsync(host.Range(10, 13), truth.PortSpec, new ScanOptions { SourceAddresses = UdpScans.Sources(sources) }, cancellationToken: Cancel);

        foreach (var live in new[] { host.AddressAt(10), host.AddressAt(11) })
        {
            var wrong = truth.Compare(result, live.ToString(), exactReasons: true);
            Assert.True(wrong.Count == 0, $"{live}:\n{string.Join("\n", wrong)}");
        }

        var down = result.Hosts.Where(h => h.State == HostState.Down).Select(h => h.Target.Address).Order(Core.Targets.AddressComparer.Instance);
        Assert.Equal([host.AddressAt(12), host.AddressAt(13)], down);
        Assert.DoesNotContain(result.Ports, o => o.Target.Address.Equals(host.AddressAt(12)) || o.Target.Address.Equals(host.AddressAt(13)));
    }

    [Fact]
    public async Task A_mixed_tcp_and_udp_scan_gives_one_report_per_host_after_all_its_observations()
    {
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(cancellationToken: Cancel);
        host.Listen(22);
        host.ListenUdp(53, UdpTruth.DnsAnswer);
        var address = host.Address.ToString();
        var set = await Core.Targets.TargetSet.ParseAsync(address, null, false, new Core.Targets.SystemHostResolver(), Cancel);
        var spec = Core.Ports.PortSpec.Parse("T:21-23,U:52-54");
        var request = new ScanRequest(set, spec.For(Core.Ports.Protocol.Tcp), spec.For(Core.Ports.Protocol.Udp), new ScanOptions());

        var records = await new CombinedScanEngine(new Connect.ConnectEngine(), new Scanning.Udp.UdpEngine()).ScanAsync(request, null, Cancel).ToListAsync(Cancel);

        var report = Assert.IsType<HostReport>(Assert.Single(records, r => r is HostReport));
        Assert.Same(report, records[^1]);
        Assert.Equal((HostState.Up, new PortCounts(2, 4, 0)), (report.State, report.Counts));
        var states = records.OfType<Observation>().OrderBy(o => o.Key).Select(o => $"{o.Key}:{o.State.ToWireName()}");
        Assert.Equal(["tcp/21:closed", "tcp/22:open", "tcp/23:closed", "udp/52:closed", "udp/53:open", "udp/54:closed"], states);
    }

    [Fact]
    public async Task An_interrupted_scan_resumed_from_its_checkpoint_gives_the_uninterrupted_result_without_probing_decided_ports_again()
    {
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(cancellationToken: Cancel);
        var truth = await UdpTruth.BuildAsync(host, lastPort: 60);
        var sources = await host.AddSourceAddressesAsync(8, cancellationToken: Cancel);
        var request = await UdpScans.RequestAsync(host.Address.ToString(), truth.PortSpec, new ScanOptions { SourceAddresses = UdpScans.Sources(sources) });
        var definition = new Checkpoints.ScanDefinition(host.Address.ToString(), "", truth.PortSpec, "", "udp");
        var path = Path.Combine(Path.GetTempPath(), $"portwarden-resume-{Guid.NewGuid():N}.jsonl");
        try
        {
            using (var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancel))
            {
                await using var writer = await Checkpoints.CheckpointWriter.CreateAsync(path, definition, null, TimeProvider.System, Cancel);
                var first = new Checkpoints.CheckpointedScanEngine(new Scanning.Udp.UdpEngine(), Checkpoints.Checkpoint.Empty(definition), writer);
                var seen = 0;
                await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
                {
                    await foreach (var record in first.ScanAsync(request, null, stop.Token))
                    {
                        if (++seen == 25)
                        {
                            await stop.CancelAsync();
                        }
                    }
                });
            }

            var previous = Checkpoints.Checkpoint.Read(path);
            Assert.InRange(previous.Records.Count, 25, 40);
            Assert.Contains(previous.Records, r => r is Observation { Port: 53, State: PortState.Open });
            var dnsQueries = truth.Dns.Received;
            await using var resumedWriter = await Checkpoints.CheckpointWriter.CreateAsync(path, definition, previous, TimeProvider.System, Cancel);
            var progress = new List<ScanProgress>();
            var records = await new Checkpoints.CheckpointedScanEngine(new Scanning.Udp.UdpEngine(), previous, resumedWriter)
                .ScanAsync(request, new Collecting(progress), Cancel).ToListAsync(Cancel);

            var result = new ScanResult(records);
            var wrong = truth.Compare(result, host.Address.ToString(), exactReasons: true);
            Assert.True(wrong.Count == 0, string.Join("\n", wrong));
            Assert.Equal(truth.States.Count, result.Ports.Count());
            Assert.Equal(truth.States.Count, Assert.Single(result.Hosts).Counts.Total);
            Assert.True(progress.Min(p => p.Completed) >= previous.Records.Count, "progress starts where the interrupted run stopped");
            Assert.Equal(dnsQueries, truth.Dns.Received);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Cancelling_a_udp_scan_stops_it_promptly()
    {
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(cancellationToken: Cancel);
        var request = await UdpScans.RequestAsync(host.Address.ToString(), "1-5000");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        var clock = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var record in new Scanning.Udp.UdpEngine().ScanAsync(request, null, stop.Token))
            {
                clock.Restart();
                await stop.CancelAsync();
            }
        });

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"the scan took {clock.Elapsed} to stop after cancellation");
    }

    private static async Task<long> IcmpSuppressedAsync(LabHost host)
    {
        var lines = (await host.ExecAsync("cat", "/proc/net/snmp")).Split('\n').Where(line => line.StartsWith("Icmp:", StringComparison.Ordinal)).ToList();
        var names = lines[0].Split(' ');
        var values = lines[1].Split(' ');
        return long.Parse(values[Array.IndexOf(names, "OutRateLimitHost")], System.Globalization.CultureInfo.InvariantCulture);
    }

    private sealed class Collecting(List<ScanProgress> reports) : IProgress<ScanProgress>
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
