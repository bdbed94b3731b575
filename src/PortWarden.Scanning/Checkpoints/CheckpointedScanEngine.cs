using System.Net;
using System.Runtime.CompilerServices;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;

namespace PortWarden.Scanning.Checkpoints;

/// <summary>
/// Runs an engine with a checkpoint: first replays what an interrupted run had decided (nothing for a fresh scan),
/// then scans the rest — the engine skips finished hosts and decided ports where it can (see <see cref="ScanResume"/>)
/// — and writes every new record to the checkpoint. An engine that rescans resumed hosts anyway has its duplicate
/// observations dropped and its host reports' counts corrected, so the result equals an uninterrupted scan's.
/// </summary>
public sealed class CheckpointedScanEngine(IScanEngine inner, Checkpoint previous, CheckpointWriter writer) : IScanEngine
{
    public string Name => inner.Name;

    public async IAsyncEnumerable<ScanRecord> ScanAsync(ScanRequest request, IProgress<ScanProgress>? progress, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var finished = new HashSet<IPAddress>();
        var replayed = new Dictionary<IPAddress, Dictionary<PortKey, PortState>>();
        foreach (var record in previous.Records)
        {
            if (record is HostReport report)
            {
                finished.Add(report.Target.Address);
            }
            else if (record is Observation observation)
            {
                if (!replayed.TryGetValue(observation.Target.Address, out var ports))
                {
                    replayed[observation.Target.Address] = ports = [];
                }

                ports[observation.Key] = observation.State;
            }

            yield return record;
        }

        var dropped = new Dictionary<IPAddress, PortCounts>();
        var resumed = request with { Resume = previous.ToResume() };
        await foreach (var record in inner.ScanAsync(resumed, progress, cancellationToken).ConfigureAwait(false))
        {
            var address = record.Target.Address;
            if (finished.Contains(address))
            {
                continue;
            }

            var earlier = replayed.GetValueOrDefault(address);
            var output = record;
            if (record is Observation observation && earlier is not null && earlier.ContainsKey(observation.Key))
            {
                // The engine probed a port the interrupted run had decided: keep the earlier observation.
                dropped[address] = dropped.GetValueOrDefault(address, PortCounts.None).With(observation.State);
                continue;
            }

            if (record is HostReport report && earlier is not null)
            {
                output = Corrected(report, earlier, dropped.GetValueOrDefault(address, PortCounts.None));
            }

            await writer.WriteAsync(output, cancellationToken).ConfigureAwait(false);
            yield return output;
        }
    }

    /// <summary>A resumed host's report: its counts include the replayed ports and not the dropped duplicates.</summary>
    private static HostReport Corrected(HostReport report, Dictionary<PortKey, PortState> earlier, PortCounts dropped)
    {
        if (report.State != HostState.Up)
        {
            return report;
        }

        var counts = earlier.Values.Aggregate(report.Counts, (sum, state) => sum.With(state));
        counts = new PortCounts(counts.Open - dropped.Open, counts.Closed - dropped.Closed, counts.Filtered - dropped.Filtered, counts.Other - dropped.Other);
        return report with { Counts = counts, Undecided = report.Undecided.Where(key => !earlier.ContainsKey(key)).ToList() };
    }
}
