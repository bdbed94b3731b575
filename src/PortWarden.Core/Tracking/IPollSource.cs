using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;

namespace PortWarden.Core.Tracking;

/// <summary>Where a poll's records come from: a scan running now, or the file of a scan made earlier.</summary>
public interface IPollSource
{
    /// <summary>The engine name recorded with the poll.</summary>
    string Engine { get; }

    /// <summary>Prepares the source and says what it covers: when the scan started (null: now) and which ports it asked about.</summary>
    Task<PollCoverage> OpenAsync(CancellationToken cancellationToken);

    /// <summary>The records, streamed; may throw part way, keeping what came before.</summary>
    IAsyncEnumerable<ScanRecord> ReadAsync(IProgress<ScanProgress>? progress, CancellationToken cancellationToken);
}

/// <summary>What a poll source covers: when its scan started (null: now, as the poll runs), and the ports asked about.</summary>
public sealed record PollCoverage(DateTimeOffset? StartedAt, PortSet Tcp, PortSet Udp)
{
    /// <summary>When the scan ended, known once its records are read (a file's closing statistics); null: now.</summary>
    public Func<DateTimeOffset?> FinishedAt { get; init; } = () => null;

    /// <summary>Things worth telling the user (a truncated file, skipped targets), recorded with the poll as its error when not empty.</summary>
    public Func<IReadOnlyList<string>> Problems { get; init; } = () => [];
}

/// <summary>A scan that runs now with an engine.</summary>
public sealed class EngineSource(IScanEngine engine, ScanRequest request) : IPollSource
{
    public string Engine => engine.Name;

    public Task<PollCoverage> OpenAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new PollCoverage(null, request.TcpPorts, request.UdpPorts));

    public IAsyncEnumerable<ScanRecord> ReadAsync(IProgress<ScanProgress>? progress, CancellationToken cancellationToken) =>
        engine.ScanAsync(request, progress, cancellationToken);
}
