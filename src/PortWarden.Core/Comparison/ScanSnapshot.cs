using System.Net;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;

namespace PortWarden.Core.Comparison;

/// <summary>A finished scan held for comparison: every decided host by address, with the ports it listed.</summary>
public sealed class ScanSnapshot
{
    private ScanSnapshot(ScanSource source, IReadOnlyDictionary<IPAddress, HostSnapshot> hosts)
    {
        Source = source;
        Hosts = hosts;
    }

    public ScanSource Source { get; }

    public IReadOnlyDictionary<IPAddress, HostSnapshot> Hosts { get; }

    /// <summary>
    /// Collects a stream of records. Observations are kept only for hosts whose report arrives: a host without
    /// one was not decided and is left out. The source is asked for once the stream has ended, so a reader may
    /// fill it with what it learnt at the end (e.g. that the file was cut off).
    /// </summary>
    public static async Task<ScanSnapshot> CollectAsync(IAsyncEnumerable<ScanRecord> records, Func<ScanSource> source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(source);
        var hosts = new Dictionary<IPAddress, HostSnapshot>();
        var pending = new Dictionary<IPAddress, Dictionary<PortKey, Observation>>();
        await foreach (var record in records.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            switch (record)
            {
                case Observation observation:
                    if (!pending.TryGetValue(observation.Target.Address, out var ports))
                    {
                        pending[observation.Target.Address] = ports = [];
                    }

                    ports[observation.Key] = observation;
                    break;
                case HostReport report:
                    pending.Remove(report.Target.Address, out var listed);
                    hosts[report.Target.Address] = new HostSnapshot(report, listed);
                    break;
            }
        }

        return new ScanSnapshot(source(), hosts);
    }
}
