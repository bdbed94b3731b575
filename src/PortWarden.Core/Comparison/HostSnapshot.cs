using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;

namespace PortWarden.Core.Comparison;

/// <summary>One host as one scan saw it: its report and the ports the scan listed.</summary>
public sealed class HostSnapshot
{
    private static readonly IReadOnlyDictionary<PortKey, Observation> NoPorts = new Dictionary<PortKey, Observation>();

    public HostSnapshot(HostReport report, IReadOnlyDictionary<PortKey, Observation>? ports)
    {
        ArgumentNullException.ThrowIfNull(report);
        Report = report;
        Ports = ports ?? NoPorts;
        UnlistedState = Unlisted(report.Counts, Ports.Values);
    }

    public HostReport Report { get; }

    /// <summary>The listed ports; ports the scan covered but did not list are not open.</summary>
    public IReadOnlyDictionary<PortKey, Observation> Ports { get; }

    public bool IsUp => Report.State == HostState.Up;

    /// <summary>
    /// The state of every covered port the scan did not list, when the counts leave only one (e.g. nmap's
    /// "997 closed ports", or a PortWarden scan that listed only open ports and counted no filtered ones).
    /// </summary>
    public PortState? UnlistedState { get; }

    /// <summary>The port's state: listed, or the one state of unlisted ports, or null when that is not known (not open either way).</summary>
    public PortState? StateOf(PortKey key) => Ports.TryGetValue(key, out var observation) ? observation.State : UnlistedState;

    private static PortState? Unlisted(PortCounts counts, IEnumerable<Observation> listed)
    {
        var remaining = counts;
        foreach (var observation in listed)
        {
            remaining = observation.State switch
            {
                PortState.Open => remaining with { Open = remaining.Open - 1 },
                PortState.Closed => remaining with { Closed = remaining.Closed - 1 },
                PortState.Filtered => remaining with { Filtered = remaining.Filtered - 1 },
                _ => remaining with { Other = remaining.Other - 1 },
            };
        }

        return (remaining.Closed > 0, remaining.Filtered > 0, remaining.Other > 0) switch
        {
            (true, false, false) => PortState.Closed,
            (false, true, false) => PortState.Filtered,
            _ => null,
        };
    }
}
