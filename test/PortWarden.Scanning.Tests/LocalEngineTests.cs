using System.Diagnostics;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;
using PortWarden.NetLab;
using PortWarden.Scanning.Local;
using PortWarden.Scanning.Local.Linux;
using PortWarden.Scanning.Local.Text;

namespace PortWarden.Scanning.Tests;

/// <summary>The local engine on this machine's real socket table: sockets opened by the test and by a child process.</summary>
public sealed class LocalEngineTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public static TheoryData<string> Addresses => ["127.0.0.1", "0.0.0.0", "::1", "::"];

    [Theory]
    [MemberData(nameof(Addresses))]
    public async Task A_listener_of_the_test_process_appears_with_its_process_and_bind_address_and_is_gone_after_closing(string address)
    {
        var bind = IPAddress.Parse(address);
        int tcpPort, udpPort;
        using (var tcp = LocalScans.ListenTcp(bind))
        using (var udp = LocalScans.BindUdp(bind))
        {
            (tcpPort, udpPort) = (tcp.Port(), udp.Port());
            var result = await LocalScans.RunAsync($"T:{tcpPort},U:{udpPort}");

            using var self = Process.GetCurrentProcess();
            foreach (var (protocol, port) in new[] { (Protocol.Tcp, tcpPort), (Protocol.Udp, udpPort) })
            {
                var observation = Assert.Single(result.Of(protocol, port, bind));
                Assert.Equal(bind, observation.Target.Address);
                Assert.Equal(bind, observation.BindAddress);
                Assert.Equal(Dns.GetHostName(), observation.Target.HostName);
                Assert.Equal(PortState.Open, observation.State);
                Assert.Equal(Reasons.LocalSocket, observation.Reason);
                var owner = Assert.IsType<OwningProcess>(observation.Process);
                Assert.Equal(Environment.ProcessId, owner.Pid);
                Assert.Equal(self.ProcessName, owner.Name);
                Assert.Equal(Path.GetFullPath(Environment.ProcessPath!), owner.ExecutablePath);
                Assert.Equal(Environment.UserName, owner.User);
            }
        }

        var after = await LocalScans.UntilClosedAsync($"T:{tcpPort},U:{udpPort}", o => bind.Equals(o.BindAddress));
        Assert.Empty(after.On(bind));
        var host = Assert.Single(after.Hosts, h => h.Target.Address.Equals(bind));
        Assert.Equal(HostState.Up, host.State);
        Assert.Equal(new PortCounts(0, 2, 0), host.Counts);
    }

    [Fact]
    public async Task Sockets_of_a_child_process_appear_with_its_pid_name_path_and_bind_addresses_and_are_gone_after_it_closes_them()
    {
        var specs = new[] { "tcp/127.0.0.1", "tcp/0.0.0.0", "tcp/::1", "tcp/::", "udp/127.0.0.1", "udp/0.0.0.0", "udp/::1", "udp/::" };
        var child = await HeldSockets.StartAsync(Cancel, specs);
        var ports = string.Join(',', child.Sockets.Select(s => $"{(s.Protocol == Protocol.Tcp ? "T" : "U")}:{s.Port}"));
        List<Observation> found;
        await using (child)
        {
            found = (await LocalScans.RunAsync(ports)).Ports.Where(o => o.Process?.Pid == child.Pid).ToList();

            using var process = Process.GetProcessById(child.Pid);
            Assert.Equal(
                child.Sockets.Select(s => $"{s.Protocol}/{s.Address}/{s.Port}").Order(),
                found.Select(o => $"{o.Protocol}/{o.BindAddress}/{o.Port}").Order());
            Assert.All(found, o =>
            {
                Assert.Equal(child.Pid, o.Process?.Pid);
                Assert.Equal(HeldSockets.ProgramName, o.Process?.Name);
                Assert.Equal(process.ProcessName, o.Process?.Name);
                Assert.Equal(HeldSockets.ExecutablePath, o.Process?.ExecutablePath);
                Assert.Equal(o.Target.Address, o.BindAddress);
            });
        }

        bool Held(Observation o) => child.Sockets.Contains((o.Protocol, o.BindAddress!, o.Port));
        Assert.DoesNotContain((await LocalScans.UntilClosedAsync(ports, Held)).Ports, Held);
    }

    [Fact]
    public async Task Connected_udp_sockets_and_established_tcp_connections_are_not_listening()
    {
        await using var child = await HeldSockets.StartAsync(Cancel, "udp-connected/127.0.0.1", "udp/127.0.0.1");
        using var listener = LocalScans.ListenTcp(IPAddress.Loopback);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(new IPEndPoint(IPAddress.Loopback, listener.Port()), Cancel);
        using var accepted = await listener.AcceptAsync(Cancel);
        var clientPort = client.Port();
        var (connectedUdp, boundUdp) = (child.Sockets[0].Port, child.Sockets[1].Port);

        var result = await LocalScans.RunAsync($"T:{listener.Port()},{clientPort},U:{connectedUdp},{boundUdp}");

        Assert.Equal(
            [$"tcp/{listener.Port()}", $"udp/{boundUdp}"],
            result.On(IPAddress.Loopback).Select(o => $"{o.Protocol.ToWireName()}/{o.Port}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Every_wildcard_loopback_and_interface_address_is_reported_up_even_without_sockets()
    {
        var unused = LocalScans.ListenTcp(IPAddress.Loopback);
        var port = unused.Port();
        unused.Dispose();

        var result = await LocalScans.RunAsync($"{port}");

        var interfaces = NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(adapter => adapter.GetIPProperties().UnicastAddresses)
            .Select(unicast => LocalAddresses.Normalize(unicast.Address));
        var expected = new[] { IPAddress.Any, IPAddress.IPv6Any, IPAddress.Loopback, IPAddress.IPv6Loopback }.Concat(interfaces).ToHashSet();
        Assert.Empty(result.On(IPAddress.Loopback));
        Assert.Superset(expected, result.Hosts.Select(h => h.Target.Address).ToHashSet());
        Assert.All(result.Hosts, host =>
        {
            Assert.Equal(HostState.Up, host.State);
            Assert.Equal(Reasons.LocalSocket, host.Reason);
            Assert.Equal(new PortCounts(0, 2, 0), host.Counts);
            Assert.Equal(Dns.GetHostName(), host.Target.HostName);
        });
        Assert.Equal(result.Hosts.Count(), result.Hosts.Select(h => h.Target.Address).Distinct().Count());
    }

    [Fact]
    public async Task Each_host_report_comes_after_all_observations_of_its_bind_address()
    {
        using var loopback = LocalScans.ListenTcp(IPAddress.Loopback);
        using var any = LocalScans.ListenTcp(IPAddress.Any);
        using var udp = LocalScans.BindUdp(IPAddress.IPv6Loopback);

        var result = await LocalScans.RunAsync();

        var closed = new HashSet<IPAddress>();
        foreach (var record in result.Records)
        {
            Assert.DoesNotContain(record.Target.Address, closed);
            if (record is HostReport report)
            {
                closed.Add(report.Target.Address);
                Assert.Equal(result.Ports.Count(o => o.Target.Address.Equals(report.Target.Address)), report.Counts.Open);
                Assert.Equal((2 * 65535) - report.Counts.Open, report.Counts.Closed);
            }
        }

        Assert.Contains(result.Ports, o => o.Port == loopback.Port() && o.BindAddress!.Equals(IPAddress.Loopback));
        Assert.Contains(result.Ports, o => o.Port == any.Port() && o.BindAddress!.Equals(IPAddress.Any));
        Assert.Contains(result.Ports, o => o.Port == udp.Port() && o.Protocol == Protocol.Udp && o.BindAddress!.Equals(IPAddress.IPv6Loopback));
    }

    [Fact]
    public async Task Port_specs_choose_protocols_and_exclude_ports()
    {
        using var tcp = LocalScans.ListenTcp(IPAddress.Loopback);
        using var udp = LocalScans.BindUdp(IPAddress.Loopback);
        using var other = LocalScans.ListenTcp(IPAddress.Loopback);
        var ports = $"{tcp.Port()},{udp.Port()},{other.Port()}";

        var both = await LocalScans.RunAsync(ports, excludePorts: $"{other.Port()}");
        var tcpOnly = await LocalScans.RunAsync($"T:{ports}");

        Assert.Equal([$"Tcp/{tcp.Port()}", $"Udp/{udp.Port()}"], both.On(IPAddress.Loopback).Select(o => $"{o.Protocol}/{o.Port}").Order(StringComparer.Ordinal));
        Assert.Equal(new[] { tcp.Port(), other.Port() }.Order(), tcpOnly.On(IPAddress.Loopback).Select(o => o.Port).Order());
        Assert.All(tcpOnly.Ports, o => Assert.Equal(Protocol.Tcp, o.Protocol));
    }

    [Fact]
    public async Task Well_known_ports_are_labelled_with_their_service()
    {
        Socket socket;
        try
        {
            socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            socket.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.199"), 53));
        }
        catch (SocketException error) when (error.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            Assert.Skip("127.0.0.199:53 is in use");
            return;
        }

        using (socket)
        {
            var result = await LocalScans.RunAsync("U:53");

            var observation = Assert.Single(result.Ports, o => o.BindAddress!.Equals(IPAddress.Parse("127.0.0.199")));
            Assert.Equal("domain", observation.Service);
            Assert.Contains(result.Hosts, h => h.Target.Address.Equals(IPAddress.Parse("127.0.0.199")));
        }
    }

    public static TheoryData<string> FallbackTools => ["ss", "netstat"];

    [Theory]
    [MemberData(nameof(FallbackTools))]
    public async Task The_ss_and_netstat_fallbacks_see_what_proc_net_sees(string tool)
    {
        var specs = new[] { "tcp/127.0.0.1", "tcp/::", "udp/0.0.0.0", "udp/::1" };
        await using var child = await HeldSockets.StartAsync(Cancel, specs);
        var ports = string.Join(',', child.Sockets.Select(s => $"{(s.Protocol == Protocol.Tcp ? "T" : "U")}:{s.Port}"));
        var source = tool == "ss" ? ToolOutputSource.Ss() : ToolOutputSource.NetstatLinux();

        var fromTool = await LocalScans.RunAsync(ports, LocalScans.Using(null, source));
        var fromProc = await LocalScans.RunAsync(ports, LocalScans.Using(null, new ProcNetSource()));

        // Other programs' sockets may come and go between the two reads: compare the child's.
        IEnumerable<string> Describe(ScanResult result) => result.Ports
            .Where(o => child.Sockets.Contains((o.Protocol, o.BindAddress!, o.Port)))
            .Select(o => $"{o.Protocol}/{o.BindAddress}/{o.Port} {o.Process}")
            .Order(StringComparer.Ordinal);
        Assert.Equal(specs.Length, Describe(fromProc).Count());
        Assert.Equal(Describe(fromProc), Describe(fromTool));
        Assert.All(fromTool.Ports.Where(o => o.Process?.Pid == child.Pid), o => Assert.Equal(HeldSockets.ProgramName, o.Process?.Name));
    }

    [Fact]
    public async Task Netlink_and_proc_net_read_the_same_sockets_and_owners()
    {
        var specs = new[] { "tcp/127.0.0.1", "tcp/::", "tcp/::ffff:127.0.0.1", "udp/0.0.0.0", "udp/::1", "udp-connected/127.0.0.1" };
        await using var child = await HeldSockets.StartAsync(Cancel, specs);
        using var own = LocalScans.ListenTcp(IPAddress.IPv6Loopback);

        var fromNetlink = await LocalScans.RunAsync("-", LocalScans.Using(null, new SockDiagSource()));
        var fromProc = await LocalScans.RunAsync("-", LocalScans.Using(null, new ProcNetSource()));

        static HashSet<string> Describe(ScanResult result) =>
            result.Ports.Select(o => $"{o.Protocol}/{o.BindAddress}/{o.Port} {o.Process}").ToHashSet();
        var (netlink, proc) = (Describe(fromNetlink), Describe(fromProc));

        // Other programs on this machine may open or close sockets between the two reads: compare what is ours.
        var ours = child.Sockets.Take(5).Append((Protocol.Tcp, IPAddress.IPv6Loopback, own.Port()))
            .Select(s => $"{s.Item1}/{LocalAddresses.Normalize(s.Item2)}/{s.Item3} ").ToList();
        bool Ours(string line) => ours.Any(o => line.StartsWith(o, StringComparison.Ordinal));
        Assert.Equal(6, netlink.Count(Ours));
        Assert.Equal(proc.Where(Ours).Order(StringComparer.Ordinal), netlink.Where(Ours).Order(StringComparer.Ordinal));
        Assert.Contains($"Tcp/127.0.0.1/{child.Sockets[2].Port} {new OwningProcess(child.Pid, HeldSockets.ProgramName, HeldSockets.ExecutablePath, Environment.UserName)}", netlink);
        Assert.DoesNotContain(fromNetlink.Ports, o => o.Port == child.Sockets[5].Port && o.Protocol == Protocol.Udp);
    }

    [Fact]
    public async Task When_a_source_is_unavailable_the_next_one_answers()
    {
        using var listener = LocalScans.ListenTcp(IPAddress.Loopback);
        var engine = LocalScans.Using(null, new ProcNetSource("/nonexistent-proc"), ToolOutputSource.Ss());

        var result = await LocalScans.RunAsync($"T:{listener.Port()}", engine);

        Assert.Equal(Environment.ProcessId, Assert.Single(result.On(IPAddress.Loopback)).Process?.Pid);
    }

    [Fact]
    public async Task When_no_source_works_the_scan_fails_naming_each_reason()
    {
        var engine = LocalScans.Using(
            null, new ProcNetSource("/nonexistent-proc"), new ToolOutputSource("portwarden-no-such-tool", ["-x"], SsOutput.Parse));

        var error = await Assert.ThrowsAsync<IOException>(() => LocalScans.RunAsync("-", engine));

        Assert.Contains("/proc/net: cannot read /nonexistent-proc/net/tcp", error.Message, StringComparison.Ordinal);
        Assert.Contains("portwarden-no-such-tool -x: portwarden-no-such-tool is not installed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_table_lines_are_warned_about_and_the_rest_is_reported()
    {
        using var root = new FakeProc();
        root.Table("tcp", File.ReadAllText(LocalScans.Data("proc-tcp.txt")) + "   9: this line is garbage\n");
        var warnings = new List<string>();

        var result = await LocalScans.RunAsync("T:48001,48002", LocalScans.Using(warnings.Add, new ProcNetSource(root.Path)));

        Assert.Equal(["0.0.0.0:48001", "127.0.0.1:48002"], result.Ports.Select(o => $"{o.BindAddress}:{o.Port}").Order(StringComparer.Ordinal));
        Assert.All(result.Ports, o => Assert.Null(o.Process));
        var warning = Assert.Single(warnings);
        Assert.Contains("net/tcp line 10:", warning, StringComparison.Ordinal);
        Assert.Contains("'9: this line is garbage': skipped", warning, StringComparison.Ordinal);
    }
}
