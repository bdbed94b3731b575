using PortWarden.Core.Scanning;
using PortWarden.Core.Targets;

namespace PortWarden.Cli.Output;

/// <summary>Holds the shown observations of hosts still in progress, until each host's report closes it.</summary>
internal sealed class HostBuffer(bool showAll)
{
    private readonly Dictionary<ScanTarget, List<Observation>> pending = [];

    /// <summary>Adds an observation, or, for a host report, returns the host's observations ordered by protocol and port.</summary>
    public IReadOnlyList<Observation>? Add(ScanRecord record)
    {
        switch (record)
        {
            case Observation observation when observation.Shows(showAll):
                if (!pending.TryGetValue(observation.Target, out var list))
                {
                    pending[observation.Target] = list = [];
                }

                list.Add(observation);
                return null;
            case HostReport report:
                pending.Remove(report.Target, out var observations);
                return observations is null
                    ? []
                    : observations.OrderBy(o => o.Protocol).ThenBy(o => o.Port).ToList();
            default:
                return null;
        }
    }
}
