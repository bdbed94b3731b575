using System.Net;
using System.Runtime.CompilerServices;
using PortWarden.Core;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;
using PortWarden.Core.Targets;

namespace PortWarden.Scanning.Nmap;

/// <summary>
/// Runs a locally installed nmap and streams its XML as PortWarden records while it scans. The command line is
/// built from the request (targets, T:/U: ports, -sT/-sS/-sU, -sV, timing, allow-listed extra options) and
/// passed as an argument vector, never through a shell. Cancelling kills nmap and its children. When nmap
/// fails, the records already streamed stand, hosts nmap had not finished get no report, and a
/// <see cref="ScanEngineException"/> carries nmap's own message.
/// </summary>
public sealed class NmapEngine : IScanEngine
{
    private readonly TimeProvider time;
    private readonly NmapLocator locator;

    public NmapEngine()
        : this(TimeProvider.System, NmapLocator.ForThisMachine())
    {
    }

    public NmapEngine(TimeProvider time, NmapLocator locator)
    {
        this.time = time;
        this.locator = locator;
    }

    public string Name => "nmap";

    /// <summary>How often nmap reports its progress (--stats-every).</summary>
    public TimeSpan StatsInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Finds nmap and builds its command lines without running anything, so every problem with the request
    /// (nmap missing, an option not allowed, a target that would inject an option) surfaces before a scan starts.
    /// </summary>
    public NmapPlan Plan(ScanRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var invocations = NmapArguments.Build(request, StatsInterval);
        var executable = locator.Locate(request.Options.NmapPath);
        return new NmapPlan(executable, invocations, NmapTargets.MayOverlap(request.Targets.Include.Entries));
    }

    public IAsyncEnumerable<ScanRecord> ScanAsync(ScanRequest request, IProgress<ScanProgress>? progress, CancellationToken cancellationToken)
    {
        var plan = Plan(request);
        return RunAsync(plan, request, progress, cancellationToken);
    }

    private async IAsyncEnumerable<ScanRecord> RunAsync(
        NmapPlan plan, ScanRequest request, IProgress<ScanProgress>? progress, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var names = request.Targets.Include.Entries.OfType<SingleAddressEntry>()
            .Where(entry => entry.HostName is not null)
            .GroupBy(entry => entry.Address)
            .ToDictionary(group => group.Key, group => group.First().HostName);
        var tracker = new NmapScanProgress(progress is null ? 0 : HostCount(request.Targets), request.TcpPorts.Count + request.UdpPorts.Count, time, progress);
        HashSet<IPAddress>? reported = plan.TargetsOverlap ? [] : null;

        foreach (var invocation in plan.Invocations)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await using var nmap = NmapProcess.Start(plan.Executable, invocation);
            await using var kill = cancellationToken.Register(nmap.Kill).ConfigureAwait(false);
            var reader = new NmapXmlReader(nmap.Output, $"nmap output (pid {nmap.Id})")
            {
                HostNameOf = address => names.GetValueOrDefault(address),
                TaskProgress = tracker.OnTask,
            };

            ScanFileFormatException? unreadable = null;
            var records = reader.ReadAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
            await using (records.ConfigureAwait(false))
            {
                while (true)
                {
                    try
                    {
                        if (!await records.MoveNextAsync().ConfigureAwait(false))
                        {
                            break;
                        }
                    }
                    catch (ScanFileFormatException malformed)
                    {
                        unreadable = malformed;
                        break;
                    }

                    var record = records.Current;
                    if (reported is not null && reported.Contains(record.Target.Address))
                    {
                        continue;
                    }

                    if (record is HostReport)
                    {
                        reported?.Add(record.Target.Address);
                        tracker.OnHostDone();
                    }

                    yield return record;
                }
            }

            if (unreadable is not null)
            {
                nmap.Kill();
            }

            var (exitCode, stderr) = await nmap.WaitForExitAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            if (Failure(invocation, reader, exitCode, stderr, unreadable) is { } failure)
            {
                throw failure;
            }
        }
    }

    private static ScanEngineException? Failure(NmapInvocation invocation, NmapXmlReader reader, int exitCode, string error, ScanFileFormatException? unreadable)
    {
        var said = FirstOf(error, reader.End?.ErrorMessage);
        if (exitCode != 0)
        {
            return new ScanEngineException($"nmap failed with exit code {exitCode}{(said is null ? "" : $": {said}")} (ran: nmap {invocation})");
        }

        if (reader.End?.Exit == "error")
        {
            return new ScanEngineException($"nmap reported an error: {said ?? "no message"} (ran: nmap {invocation})");
        }

        if (unreadable is not null)
        {
            return new ScanEngineException($"nmap's output could not be read: {unreadable.Message} (ran: nmap {invocation})", unreadable);
        }

        if (reader.Truncated || reader.End is null)
        {
            return new ScanEngineException($"nmap's output stopped before the end of the scan{(said is null ? "" : $": {said}")} (ran: nmap {invocation})");
        }

        if (reader.SkippedTargets.Count > 0)
        {
            var skipped = string.Join(", ", reader.SkippedTargets.Select(target => $"'{target.Specification}' ({target.Reason})"));
            return new ScanEngineException($"nmap skipped target(s) {skipped}: they were not scanned (ran: nmap {invocation})");
        }

        return null;
    }

    // Exact within a few times the default address limit; beyond that counting would take longer than it is worth.
    private static long HostCount(TargetSet targets) => targets.CountUpperBound <= (UInt128)(4 * TargetSet.DefaultAddressLimit)
        ? targets.Count()
        : (long)UInt128.Min(targets.CountUpperBound, long.MaxValue / (2 * PortRange.MaxPort));

    private static string? FirstOf(params string?[] messages) => messages.FirstOrDefault(message => !string.IsNullOrWhiteSpace(message));
}
