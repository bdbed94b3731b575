using System.Net;
using System.Net.Sockets;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;
using PortWarden.Core.Targets;
using PortWarden.Scanning.Local;

namespace PortWarden.Scanning.Tests;

/// <summary>Runs self-scans and opens sockets in the test process.</summary>
internal static class LocalScans
{
    public static ScanRequest Request(string ports = "-", string? excludePorts = null)
    {
        var spec = PortSpec.Parse(ports, excludePorts);
        return new ScanRequest(TargetSet.Create(TargetSpec.Empty), spec.For(Protocol.Tcp), spec.For(Protocol.Udp), new ScanOptions());
    }

    public static async Task<ScanResult> RunAsync(string ports = "-", LocalEngine? engine = null, string? excludePorts = null)
    {
        engine ??= new LocalEngine(TimeProvider.System, ServiceTable.Default);
        var cancellationToken = TestContext.Current.CancellationToken;
        var records = await engine.ScanAsync(Request(ports, excludePorts), null, cancellationToken).ToListAsync(cancellationToken);
        return new ScanResult(records);
    }

    /// <summary>
    /// Scans until no port that <paramref name="ours"/> picks is open any more (bounded): a socket closed by
    /// this process stays open while a child forked by a concurrent test (Process.Start) still holds its copy,
    /// until that child's exec closes it.
    /// </summary>
    public static async Task<ScanResult> UntilClosedAsync(string ports, Func<Observation, bool> ours)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var result = await RunAsync(ports);
            if (!result.Ports.Any(ours) || clock.Elapsed > TimeSpan.FromSeconds(20))
            {
                return result;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>The local engine reading through the given sources only, with this host's addresses.</summary>
    public static LocalEngine Using(Action<string>? warn, params ILocalSocketSource[] sources) =>
        new(TimeProvider.System, ServiceTable.Default, sources, LocalHosts.OfThisHost, Dns.GetHostName, warn);

    public static Socket ListenTcp(IPAddress address)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(address, 0));
        socket.Listen(16);
        return socket;
    }

    public static Socket BindUdp(IPAddress address)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(address, 0));
        return socket;
    }

    public static int Port(this Socket socket) => ((IPEndPoint)socket.LocalEndPoint!).Port;

    /// <summary>
    /// The observations on one bind address: other programs on this machine may use the same port numbers on
    /// other addresses, so tests look only at the addresses their own sockets are bound to.
    /// </summary>
    public static IReadOnlyList<Observation> On(this ScanResult result, IPAddress bind) =>
        result.Ports.Where(o => bind.Equals(o.BindAddress)).ToList();

    /// <summary>The observations of one port of one protocol on one bind address.</summary>
    public static IReadOnlyList<Observation> Of(this ScanResult result, Protocol protocol, int port, IPAddress bind) =>
        result.On(bind).Where(o => o.Protocol == protocol && o.Port == port).ToList();

    /// <summary>The directory holding the captured test data.</summary>
    public static string Data(string file) => Path.Combine(AppContext.BaseDirectory, "LocalData", file);
}
