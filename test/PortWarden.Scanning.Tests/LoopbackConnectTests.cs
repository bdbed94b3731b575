using System.Globalization;
using System.Net;
using System.Net.Sockets;
using PortWarden.Core.Scanning;

namespace PortWarden.Scanning.Tests;

public sealed class LoopbackConnectTests
{
    [Fact]
    public async Task Open_and_closed_loopback_ports_are_reported_with_their_reasons()
    {
        using var open1 = Listen(IPAddress.Loopback);
        using var open2 = Listen(IPAddress.Loopback);
        var closed = FreePort(IPAddress.Loopback);
        var ports = $"{Port(open1)},{Port(open2)},{closed}";

        var result = await Scans.ConnectAsync("127.0.0.1", ports, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(PortState.Open, result.StateOf("127.0.0.1", Port(open1)));
        Assert.Equal(Reasons.SynAck, result.Port("127.0.0.1", Port(open1)).Reason);
        Assert.Equal(PortState.Open, result.StateOf("127.0.0.1", Port(open2)));
        Assert.Equal(PortState.Closed, result.StateOf("127.0.0.1", closed));
        Assert.Equal(Reasons.ConnectionRefused, result.Port("127.0.0.1", closed).Reason);
        var host = Assert.Single(result.Hosts);
        Assert.Equal(HostState.Up, host.State);
        Assert.Equal(new PortCounts(2, 1, 0), host.Counts);
    }

    [Fact]
    public async Task IPv6_loopback_is_scanned()
    {
        using var open = Listen(IPAddress.IPv6Loopback);
        var closed = FreePort(IPAddress.IPv6Loopback);

        var result = await Scans.ConnectAsync("::1", $"{Port(open)},{closed}", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(PortState.Open, result.StateOf("::1", Port(open)));
        Assert.Equal(PortState.Closed, result.StateOf("::1", closed));
    }

    [Fact]
    public async Task Host_names_are_resolved_and_reported_with_the_name()
    {
        using var open = Listen(IPAddress.Loopback);

        var result = await Scans.ConnectAsync("localhost", Port(open).ToString(CultureInfo.InvariantCulture), cancellationToken: TestContext.Current.CancellationToken);

        var observation = Assert.Single(result.Ports);
        Assert.Equal("localhost", observation.Target.HostName);
        Assert.Equal(PortState.Open, observation.State);
    }

    [Fact]
    public async Task Every_port_has_exactly_one_observation_before_its_host_report()
    {
        using var open = Listen(IPAddress.Loopback);

        var result = await Scans.ConnectAsync("127.0.0.1,127.0.0.2", $"1-200,{Port(open)}", cancellationToken: TestContext.Current.CancellationToken);

        foreach (var address in new[] { "127.0.0.1", "127.0.0.2" })
        {
            var records = result.Records.Where(r => r.Target.Address.ToString() == address).ToList();
            Assert.IsType<HostReport>(records[^1]);
            var ports = records.OfType<Observation>().Select(o => o.Port).ToList();
            Assert.Equal(201, ports.Distinct().Count());
            Assert.Equal(201, ports.Count);
        }
    }

    [Fact]
    public async Task A_port_equal_to_the_probe_source_port_is_never_reported_open()
    {
        // Connecting to a local port from the same ephemeral port connects the socket to itself; only real
        // listeners may be reported open. The whole ephemeral range makes a self-connection likely.
        // Other programs on the machine open and close listeners meanwhile: watch the socket table for the
        // whole scan, so a real but short-lived listener is never mistaken for a self-connection.
        var (low, high) = EphemeralRange();
        var listening = ListeningLoopbackPorts();
        using var watching = new CancellationTokenSource();
        var watcher = Task.Run(async () =>
        {
            while (!watching.IsCancellationRequested)
            {
                listening.UnionWith(ListeningLoopbackPorts());
                await Task.Delay(5, CancellationToken.None);
            }
        }, CancellationToken.None);

        var result = await Scans.ConnectAsync("127.0.0.1", $"{low}-{high}", cancellationToken: TestContext.Current.CancellationToken);

        await watching.CancelAsync();
        await watcher;
        listening.UnionWith(ListeningLoopbackPorts());
        var unexplained = result.Ports.Where(o => o.State == PortState.Open && !listening.Contains(o.Port)).Select(o => o.Port).ToList();
        Assert.Empty(unexplained);
    }

    internal static Socket Listen(IPAddress address)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(address, 0));
        socket.Listen(512);
        return socket;
    }

    internal static int Port(Socket socket) => ((IPEndPoint)socket.LocalEndPoint!).Port;

    /// <summary>A port nothing listens on: bound once to learn a free number, then released.</summary>
    internal static int FreePort(IPAddress address)
    {
        using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(address, 0));
        return Port(socket);
    }

    private static (int Low, int High) EphemeralRange()
    {
        var parts = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        return (int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    /// <summary>TCP ports in LISTEN state on any local address, from /proc/net/tcp and tcp6 (a dual-stack :: listener takes IPv4 too).</summary>
    private static HashSet<int> ListeningLoopbackPorts() =>
        File.ReadLines("/proc/net/tcp").Skip(1).Concat(File.ReadLines("/proc/net/tcp6").Skip(1))
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields[3] == "0A")
            .Select(fields => int.Parse(fields[1].Split(':')[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture))
            .ToHashSet();
}
