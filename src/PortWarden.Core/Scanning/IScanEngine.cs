namespace PortWarden.Core.Scanning;

/// <summary>A way of finding out which ports are open. Every engine streams the same records.</summary>
public interface IScanEngine
{
    /// <summary>The name users select the engine by, e.g. "connect".</summary>
    string Name { get; }

    /// <summary>
    /// Scans, yielding each port's <see cref="Observation"/> as soon as it is decided and a <see cref="HostReport"/>
    /// after the last observation of each host. Holds no more than the hosts in progress in memory.
    /// </summary>
    IAsyncEnumerable<ScanRecord> ScanAsync(ScanRequest request, IProgress<ScanProgress>? progress, CancellationToken cancellationToken);
}
