using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;

namespace PortWarden.Scanning.Connect;

/// <summary>
/// The built-in TCP connect scanner: needs no privileges, keeps a bounded number of sockets in flight,
/// adapts its timeouts to each host's round-trip time and retransmits unanswered probes until silence is
/// trustworthy at the loss rate it measures.
/// </summary>
public sealed class ConnectEngine(TimeProvider time, ServiceTable services) : IScanEngine
{
    public ConnectEngine()
        : this(TimeProvider.System, ServiceTable.Default)
    {
    }

    public string Name => "connect";

    public IAsyncEnumerable<ScanRecord> ScanAsync(ScanRequest request, IProgress<ScanProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new ConnectScan(request, time, services, progress).RunAsync(cancellationToken);
    }
}
