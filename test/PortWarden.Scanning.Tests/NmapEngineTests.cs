using System.Diagnostics;
using System.Globalization;
using System.Net;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;
using PortWarden.Core.Targets;
using PortWarden.NetLab;
using PortWarden.Scanning.Nmap;

namespace PortWarden.Scanning.Tests;

/// <summary>The nmap engine driving the real nmap against loopback and lab hosts.</summary>
[Collection(NetworkLabTests.Name)]
public sealed class NmapEngineTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Finds_the_same_open_ports_as_the_connect_engine_on_loopback()
    {
        using var a = LoopbackConnectTests.Listen(IPAddress.Loopback);
        using var b = LoopbackConnectTests.Listen(IPAddress.Loopback);
        var ports = string.Join(',', new[]
        {
            LoopbackConnectTests.Port(a), LoopbackConnectTests.Port(b),
            LoopbackConnectTests.FreePort(IPAddress.Loopback), LoopbackConnectTests.FreePort(IPAddress.Loopback),
        });

        var nmap = await ScanAsync("127.0.0.1", ports);
        var connect = await Scans.ConnectAsync("127.0.0.1", ports, cancellationToken: Cancel);

        Assert.Equal(2, nmap.OpenPorts.Count);
        Assert.Equal(connect.OpenPorts, nmap.OpenPorts);
        var host = Assert.Single(nmap.Hosts);
        Assert.Equal((HostState.Up, 2, 2), (host.State, host.Counts.Open, host.Counts.Closed));
        Assert.IsType<HostReport>(nmap.Records[^1]);
    }

    [Fact]
    public async Task Finds_the_same_open_ports_as_the_connect_engine_on_a_lab_network_and_reports_every_host()
    {
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(new LabHostOptions { LiveHosts = [10, 11, 12], SilentHosts = [13] }, Cancel);
        host.Listen(22, host.AddressAt(10));
        host.Listen(80, host.AddressAt(10));
        host.Listen(443, host.AddressAt(11));
        host.Listen(1005, host.AddressAt(12));
        await host.SetFirewallAsync("tcp dport 25 drop");
        const string Ports = "20-30,80,443,1000-1010";

        var nmap = await ScanAsync(host.Range(10, 15), Ports);
        var connect = await Scans.ConnectAsync(host.Range(10, 15), Ports, cancellationToken: Cancel);

        Assert.Equal(4, nmap.OpenPorts.Count);
        Assert.Equal(connect.OpenPorts, nmap.OpenPorts);
        var states = nmap.Hosts.ToDictionary(r => r.Target.Address.ToString(), r => r.State);
        Assert.Equal(6, states.Count);
        Assert.Equal(HostState.Down, states[host.AddressAt(14).ToString()]);
        Assert.Equal(HostState.Down, states[host.AddressAt(15).ToString()]);
        Assert.Equal(PortState.Filtered, nmap.StateOf(host.AddressAt(10).ToString(), 25));
        Assert.NotNull(nmap.Hosts.First(r => r.Target.Address.Equals(host.AddressAt(10))).MacAddress);
    }

    [Fact]
    public async Task IPv4_and_IPv6_targets_of_one_request_are_both_scanned()
    {
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(new LabHostOptions { WithIPv6 = true }, Cancel);
        host.Listen(22);
        host.Listen(443, IPAddress.IPv6Any);

        var result = await ScanAsync($"{host.Address} {host.AddressV6}", "22,443", new ScanOptions { HostDiscovery = false });

        Assert.Equal([$"{host.Address}:22", $"{host.AddressV6}:443"], result.OpenPorts);
        Assert.Equal(2, result.Hosts.Count());
    }

    [Fact]
    public async Task Udp_and_tcp_ports_are_scanned_together()
    {
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(cancellationToken: Cancel);
        host.Listen(22);
        await using var responder = host.ListenUdp(9999, _ => "pong"u8.ToArray(), host.Address);

        var result = await ScanAsync(host.Address.ToString(), "T:22,U:9000,9999");

        var states = result.Ports.ToDictionary(o => o.Key, o => o.State);
        Assert.Equal(PortState.Open, states[new PortKey(Protocol.Tcp, 22)]);
        Assert.Equal(PortState.Open, states[new PortKey(Protocol.Udp, 9999)]);
        Assert.Equal(PortState.Closed, states[new PortKey(Protocol.Udp, 9000)]);
    }

    [Fact]
    public async Task Service_detection_identifies_product_and_version()
    {
        await using var ssh = BannerServer.Ssh("9.3p1");

        var result = await ScanAsync("127.0.0.1", ssh.Port.ToString(CultureInfo.InvariantCulture), new ScanOptions { ServiceDetection = true, HostDiscovery = false });

        var port = Assert.Single(result.Ports);
        Assert.Equal(("ssh", "OpenSSH", "9.3p1"), (port.Service, port.Detail?.Product, port.Detail?.Version));
    }

    [Fact]
    public async Task Host_names_are_kept_and_overlapping_targets_are_reported_once()
    {
        using var listener = LoopbackConnectTests.Listen(IPAddress.Loopback);
        var port = LoopbackConnectTests.Port(listener).ToString(CultureInfo.InvariantCulture);

        var result = await ScanAsync("localhost 127.0.0.1-2", port, new ScanOptions { HostDiscovery = false });

        Assert.Equal(["localhost (127.0.0.1)", "127.0.0.2"], result.Hosts.Select(h => h.Target.ToString()).Order(StringComparer.Ordinal).Reverse());
        Assert.Equal("localhost", Assert.Single(result.Ports, o => o.State == PortState.Open).Target.HostName);
    }

    [Fact]
    public async Task Progress_rises_to_the_total()
    {
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(new LabHostOptions { LiveHosts = [10, 11] }, Cancel);
        var reports = new List<ScanProgress>();
        var engine = new NmapEngine { StatsInterval = TimeSpan.FromMilliseconds(100) };

        await engine.ScanAsync(await RequestAsync(host.Range(10, 13), "1-500"), new ListProgress(reports), Cancel).ToListAsync(Cancel);

        lock (reports)
        {
            Assert.NotEmpty(reports);
            Assert.Equal((2000, 2000), (reports[^1].Completed, reports[^1].Total));
            Assert.True(reports.Zip(reports.Skip(1)).All(pair => pair.First.Completed <= pair.Second.Completed));
        }
    }

    [Fact]
    public async Task Cancelling_kills_nmap()
    {
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(new LabHostOptions { LiveHosts = [10], SilentHosts = [11] }, Cancel);
        var target = host.AddressAt(11).ToString();
        var request = await RequestAsync(target, "1-65535", new ScanOptions { HostDiscovery = false });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        var scan = Task.Run(async () => await new NmapEngine().ScanAsync(request, null, stop.Token).ToListAsync(stop.Token), Cancel);

        Assert.True(await ChildProcesses.WaitUntilAsync(() => ChildProcesses.Named("nmap", target).Count == 1, TimeSpan.FromSeconds(30), Cancel), "nmap did not start");
        var pid = ChildProcesses.Named("nmap", target)[0];
        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => scan.WaitAsync(TimeSpan.FromSeconds(30), Cancel));
        Assert.True(await ChildProcesses.WaitUntilAsync(() => !ChildProcesses.IsAlive(pid), TimeSpan.FromSeconds(10), Cancel), $"nmap (pid {pid}) is still running");
    }

    [Fact]
    public async Task A_consumer_that_stops_reading_leaves_no_nmap_behind()
    {
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(new LabHostOptions { LiveHosts = [10], SilentHosts = [11] }, Cancel);
        host.Listen(22);
        var silent = host.AddressAt(11).ToString();
        var request = await RequestAsync($"{host.Address} {silent}", "1-65535", new ScanOptions { HostDiscovery = false, NmapExtraArguments = ["--max-hostgroup=1"] });

        await foreach (var record in new NmapEngine().ScanAsync(request, null, Cancel))
        {
            if (record is HostReport)
            {
                Assert.Single(ChildProcesses.Named("nmap", silent));
                break;
            }
        }

        Assert.True(await ChildProcesses.WaitUntilAsync(() => ChildProcesses.Named("nmap", silent).Count == 0, TimeSpan.FromSeconds(10), Cancel));
    }

    [Fact]
    public async Task Nmap_killed_mid_scan_keeps_the_finished_hosts_and_fails_with_the_exit_code()
    {
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(new LabHostOptions { LiveHosts = [10], SilentHosts = [11] }, Cancel);
        host.Listen(22);
        var live = host.Address.ToString();
        var silent = host.AddressAt(11).ToString();
        var request = await RequestAsync($"{live} {silent}", "1-65535", new ScanOptions { HostDiscovery = false, NmapExtraArguments = ["--max-hostgroup=1"] });
        var records = new List<ScanRecord>();

        var error = await Assert.ThrowsAsync<ScanEngineException>(async () =>
        {
            await foreach (var record in new NmapEngine().ScanAsync(request, null, Cancel))
            {
                records.Add(record);
                if (record is HostReport)
                {
                    using var nmap = Process.GetProcessById(Assert.Single(ChildProcesses.Named("nmap", silent)));
                    nmap.Kill();
                }
            }
        });

        Assert.Contains("exit code 137", error.Message, StringComparison.Ordinal);
        Assert.Equal(live, Assert.Single(records.OfType<HostReport>()).Target.Address.ToString());
        Assert.Contains(records, r => r is Observation { Port: 22, State: PortState.Open });
        Assert.DoesNotContain(records, r => r.Target.Address.ToString() == silent);
    }

    [Fact]
    public async Task Nmap_errors_surface_with_nmaps_own_message()
    {
        var wrapper = Path.Combine(Directory.CreateTempSubdirectory("pw-nmap-").FullName, "nmap-as-nobody");
        await File.WriteAllTextAsync(wrapper, "#!/bin/sh\nexec setpriv --reuid=65534 --regid=65534 --clear-groups /usr/bin/nmap \"$@\"\n", Cancel);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }

        try
        {
            var request = await RequestAsync("127.0.0.1", "22", new ScanOptions { NmapPath = wrapper, TcpScanType = TcpScanType.Syn });

            var error = await Assert.ThrowsAsync<ScanEngineException>(async () => await new NmapEngine().ScanAsync(request, null, Cancel).ToListAsync(Cancel));

            Assert.Contains("exit code 1", error.Message, StringComparison.Ordinal);
            Assert.Contains("requires root privileges", error.Message, StringComparison.Ordinal);
            Assert.Contains("-sS", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(wrapper)!, recursive: true);
        }
    }

    [Fact]
    public async Task Missing_nmap_fails_before_anything_runs()
    {
        var request = await RequestAsync("127.0.0.1", "22", new ScanOptions { NmapPath = "/nonexistent/nmap" });

        var error = Assert.Throws<NmapNotFoundException>(() => new NmapEngine().ScanAsync(request, null, Cancel));

        Assert.Contains("/nonexistent/nmap", error.Message, StringComparison.Ordinal);
    }

    private static async Task<ScanRequest> RequestAsync(string targets, string ports, ScanOptions? options = null)
    {
        var set = await TargetSet.ParseAsync(targets, null, allowLarge: false, new SystemHostResolver(), Cancel);
        var spec = PortSpec.Parse(ports);
        var udp = spec.NamesExplicitly(Protocol.Udp) ? spec.For(Protocol.Udp) : PortSet.Empty;
        return new ScanRequest(set, spec.For(Protocol.Tcp), udp, options ?? new ScanOptions());
    }

    private static async Task<ScanResult> ScanAsync(string targets, string ports, ScanOptions? options = null)
    {
        var request = await RequestAsync(targets, ports, options);
        return new ScanResult(await new NmapEngine().ScanAsync(request, null, Cancel).ToListAsync(Cancel));
    }

    private sealed class ListProgress(List<ScanProgress> reports) : IProgress<ScanProgress>
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
