using System.Net;
using System.Runtime.CompilerServices;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;
using PortWarden.Core.Targets;

namespace PortWarden.Scanning.Local;

/// <summary>
/// The self-scan: reads this host's own socket table instead of sending packets. Every listening TCP socket and
/// every unconnected UDP socket becomes an open <see cref="Observation"/> with its owning process, on a "host"
/// that is its bind address (0.0.0.0, ::, 127.0.0.1, an interface address), named after this machine. Every
/// wildcard, loopback and interface address gets a <see cref="HostReport"/>, so a port missing from it is closed
/// there. The request's port sets filter what is reported; its targets are not used.
/// </summary>
public sealed class LocalEngine : IScanEngine
{
    /// <summary>The name users select the engine by.</summary>
    public const string EngineName = "local";

    private readonly TimeProvider time;
    private readonly ServiceTable services;
    private readonly IReadOnlyList<ILocalSocketSource> sources;
    private readonly Func<LocalWarnings, IEnumerable<IPAddress>> hostAddresses;
    private readonly Func<string> hostName;
    private readonly Action<string>? warn;

    /// <summary>
    /// A self-scan of this host, reading the socket table the best way this OS offers; <paramref name="warn"/> is
    /// told of problems that do not stop the scan (malformed table lines, unreadable processes).
    /// </summary>
    public LocalEngine(TimeProvider time, ServiceTable services, Action<string>? warn = null)
        : this(time, services, LocalSocketSources.ForThisHost(), LocalHosts.OfThisHost, Dns.GetHostName, warn)
    {
    }

    internal LocalEngine(
        TimeProvider time,
        ServiceTable services,
        IReadOnlyList<ILocalSocketSource> sources,
        Func<LocalWarnings, IEnumerable<IPAddress>> hostAddresses,
        Func<string> hostName,
        Action<string>? warn)
    {
        this.time = time;
        this.services = services;
        this.sources = sources;
        this.hostAddresses = hostAddresses;
        this.hostName = hostName;
        this.warn = warn;
    }

    public string Name => EngineName;

    public async IAsyncEnumerable<ScanRecord> ScanAsync(
        ScanRequest request, IProgress<ScanProgress>? progress, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var started = time.GetTimestamp();
        var ports = new LocalPortFilter(request.TcpPorts, request.UdpPorts);
        var warnings = new LocalWarnings(warn);
        var (sockets, hosts) = await Task.Run(
            () =>
            {
                var (_, read) = LocalSocketSources.ReadFirst(sources, ports, warnings, cancellationToken);
                return (read, hostAddresses(warnings).ToList());
            },
            cancellationToken).ConfigureAwait(false);
        warnings.Flush();

        var name = hostName();
        var requested = request.TcpPorts.Count + request.UdpPorts.Count;
        var byHost = new Dictionary<IPAddress, List<LocalSocket>>();
        foreach (var address in hosts)
        {
            byHost.TryAdd(address, []);
        }

        foreach (var socket in sockets)
        {
            if (!byHost.TryGetValue(socket.Address, out var list))
            {
                byHost[socket.Address] = list = [];
            }

            list.Add(socket);
        }

        var addresses = byHost.Keys.ToArray();
        Array.Sort(addresses, AddressComparer.Instance);
        foreach (var address in addresses)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var target = new ScanTarget(address, name);
            var open = 0;
            foreach (var socket in OnePerPort(byHost[address]))
            {
                open++;
                yield return new Observation(target, socket.Protocol, socket.Port, PortState.Open, Reasons.LocalSocket)
                {
                    Service = services.NameOf(socket.Protocol, socket.Port),
                    Process = socket.Process,
                    BindAddress = address,
                };
            }

            yield return new HostReport(target, HostState.Up, Reasons.LocalSocket, new PortCounts(open, requested - open, 0));
        }

        progress?.Report(new ScanProgress(sockets.Count, sockets.Count, time.GetElapsedTime(started)));
    }

    /// <summary>
    /// The sockets of one address in protocol and port order. Several sockets can share an address and port
    /// (SO_REUSEPORT, e.g. one per worker): the port is reported once, owned by the lowest known pid.
    /// </summary>
    private static IEnumerable<LocalSocket> OnePerPort(List<LocalSocket> sockets)
    {
        sockets.Sort(static (a, b) =>
        {
            var order = a.Protocol.CompareTo(b.Protocol);
            order = order != 0 ? order : a.Port.CompareTo(b.Port);
            return order != 0 ? order : (a.Process?.Pid ?? int.MaxValue).CompareTo(b.Process?.Pid ?? int.MaxValue);
        });
        for (var i = 0; i < sockets.Count; i++)
        {
            if (i == 0 || sockets[i].Port != sockets[i - 1].Port || sockets[i].Protocol != sockets[i - 1].Protocol)
            {
                yield return sockets[i];
            }
        }
    }
}
