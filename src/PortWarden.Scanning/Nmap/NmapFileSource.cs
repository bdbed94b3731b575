using System.Runtime.CompilerServices;
using PortWarden.Core;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;
using PortWarden.Core.Tracking;

namespace PortWarden.Scanning.Nmap;

/// <summary>
/// An nmap XML file as the source of a poll: the scan's own start and end times and scanned ports, its
/// complete hosts, and — for a file cut off by an interrupted scan — a problem saying so (the unfinished
/// hosts stay undecided).
/// </summary>
public sealed class NmapFileSource(string path) : IPollSource, IAsyncDisposable
{
    private Stream? stream;
    private NmapXmlReader? reader;
    private IAsyncEnumerator<ScanRecord>? records;
    private bool hasFirst;

    public string Engine => "nmap-import";

    /// <summary>The run's metadata (command line, start time), once opened.</summary>
    public NmapRun? Run => reader?.Run;

    public async Task<PollCoverage> OpenAsync(CancellationToken cancellationToken)
    {
        stream = File.OpenRead(path);
        reader = new NmapXmlReader(stream, path);
        records = reader.ReadAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);

        // The run's metadata is read with the first host (or the end of a file without hosts).
        hasFirst = await records.MoveNextAsync().ConfigureAwait(false);
        var run = reader.Run ?? throw new ScanFileFormatException(path, 0, 0, "no <nmaprun> element");
        return new PollCoverage(run.StartedAt, run.RequestedPorts(Protocol.Tcp) ?? PortSet.Empty, run.RequestedPorts(Protocol.Udp) ?? PortSet.Empty)
        {
            FinishedAt = () => reader.End?.FinishedAt,
            Problems = Problems,
        };
    }

    public async IAsyncEnumerable<ScanRecord> ReadAsync(IProgress<ScanProgress>? progress, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (records is null)
        {
            throw new InvalidOperationException("open the source first");
        }

        var more = hasFirst;
        while (more)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return records.Current;
            more = await records.MoveNextAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (records is not null)
        {
            await records.DisposeAsync().ConfigureAwait(false);
        }

        if (stream is not null)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    private List<string> Problems()
    {
        var problems = new List<string>();
        if (reader?.Truncated == true)
        {
            problems.Add($"{path} is cut off at line {reader.TruncatedAtLine}: hosts after the last complete one were not decided");
        }

        if (reader?.End?.ErrorMessage is { } error)
        {
            problems.Add($"nmap reported: {error}");
        }

        return problems;
    }
}
