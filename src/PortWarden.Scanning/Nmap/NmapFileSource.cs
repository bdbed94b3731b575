using System.Runtime.CompilerServices;
using PortWarden.Core;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;
using PortWarden.Core.Tracking;

namespace PortWarden.Scanning.Nmap;

/// <summary>
/// An nmap XML file as the source of a poll: the scan's own start and end times and scanned ports, its
/// complete hosts, then a down report for every host of <see cref="CoveredHosts"/> the file does not list (nmap
/// leaves out hosts that did not answer). A file cut off by an interrupted scan, or a run nmap ended with an
/// error, has a problem saying so, and then no unlisted host is reported: what was not seen is not decided.
/// </summary>
public sealed class NmapFileSource(string path) : IPollSource, IAsyncDisposable
{
    /// <summary>The reason given for a covered host the file does not list.</summary>
    public const string NotListedReason = "not-listed";

    private readonly HashSet<System.Net.IPAddress> listed = [];
    private Stream? stream;
    private NmapXmlReader? reader;
    private IAsyncEnumerator<ScanRecord>? records;
    private bool hasFirst;

    public string Engine => "nmap-import";

    /// <summary>The run's metadata (command line, start time), once opened.</summary>
    public NmapRun? Run => reader?.Run;

    /// <summary>The hosts the scan covered (set before reading): those the file does not list are reported down.</summary>
    public NmapHostCoverage CoveredHosts { get; set; } = NmapHostCoverage.None;

    /// <summary>How many covered hosts the file did not list and were reported down, once read.</summary>
    public long HostsNotListed { get; private set; }

    /// <summary>The run ended as a whole (not cut off, no nmap error), so hosts it does not list were not answering.</summary>
    private bool Finished => reader is { Truncated: false, End: { } end } && !string.Equals(end.Exit, "error", StringComparison.OrdinalIgnoreCase);

    public async Task<PollCoverage> OpenAsync(CancellationToken cancellationToken)
    {
        stream = File.OpenRead(path);
        reader = new NmapXmlReader(stream, path) { HostListed = address => listed.Add(address) };
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

        if (!Finished)
        {
            yield break;
        }

        foreach (var target in CoveredHosts.Enumerate())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!listed.Contains(target.Address))
            {
                HostsNotListed++;
                yield return new HostReport(target, HostState.Down, NotListedReason, PortCounts.None);
            }
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
