using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;
using PortWarden.Scanning.Connect.Linux;

namespace PortWarden.Scanning.Connect;

/// <summary>
/// The built-in TCP connect scanner: needs no privileges, keeps a bounded number of sockets in flight,
/// adapts its timeouts to each host's round-trip time and retransmits unanswered probes until silence is
/// trustworthy at the loss rate it measures. On Linux it drives non-blocking sockets through epoll
/// directly; elsewhere it uses .NET's asynchronous sockets.
/// </summary>
public sealed class ConnectEngine : IScanEngine
{
    private readonly TimeProvider time;
    private readonly ServiceTable services;
    private readonly Func<IConnectDriver> drivers;

    public ConnectEngine()
        : this(TimeProvider.System, ServiceTable.Default)
    {
    }

    public ConnectEngine(TimeProvider time, ServiceTable services)
        : this(time, services, OperatingSystem.IsLinux() ? () => new EpollConnectDriver(time) : () => new SocketConnectDriver(time))
    {
    }

    internal ConnectEngine(TimeProvider time, ServiceTable services, Func<IConnectDriver> drivers)
    {
        this.time = time;
        this.services = services;
        this.drivers = drivers;
    }

    public string Name => "connect";

    public IAsyncEnumerable<ScanRecord> ScanAsync(ScanRequest request, IProgress<ScanProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new ConnectScan(request, time, services, drivers(), progress).RunAsync(cancellationToken);
    }
}
