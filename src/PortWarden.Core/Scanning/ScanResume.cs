using System.Net;
using PortWarden.Core.Ports;

namespace PortWarden.Core.Scanning;

/// <summary>
/// What an interrupted run of the same scan already decided: hosts it finished, and the ports it decided on
/// hosts it had not finished. An engine given a resume point (see <see cref="ScanRequest.Resume"/>) may skip
/// finished hosts and decided ports; it must not report them again, and its host reports then count only the
/// ports it decided itself. The caller replays the earlier records.
/// </summary>
public sealed class ScanResume
{
    private readonly HashSet<IPAddress> finished;
    private readonly Dictionary<IPAddress, Dictionary<PortKey, Observation>> decided;

    public ScanResume(IEnumerable<IPAddress> finishedHosts, IEnumerable<Observation> decidedObservations)
    {
        ArgumentNullException.ThrowIfNull(finishedHosts);
        ArgumentNullException.ThrowIfNull(decidedObservations);
        finished = [.. finishedHosts];
        decided = [];
        foreach (var observation in decidedObservations)
        {
            var address = observation.Target.Address;
            if (finished.Contains(address))
            {
                continue;
            }

            if (!decided.TryGetValue(address, out var ports))
            {
                decided[address] = ports = [];
            }

            ports[observation.Key] = observation;
        }
    }

    /// <summary>True when the earlier run finished the host (its report was recorded).</summary>
    public bool IsFinished(IPAddress address) => finished.Contains(address);

    /// <summary>The observations the earlier run made of an unfinished host, by port.</summary>
    public IReadOnlyDictionary<PortKey, Observation> DecidedPorts(IPAddress address) =>
        decided.TryGetValue(address, out var ports) ? ports : EmptyPorts;

    private static readonly Dictionary<PortKey, Observation> EmptyPorts = [];
}
