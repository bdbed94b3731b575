using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;
using PortWarden.Core.Targets;

namespace PortWarden.Agent.Wire;

/// <summary>
/// Turns a scan's records into a compact <see cref="PollUpload"/>: open ports one by one, other states as
/// ranges, closed ports implied. Holds only the hosts still in progress plus the finished hosts' summaries.
/// </summary>
public sealed class UploadBuilder
{
    private readonly Dictionary<ScanTarget, HostParts> inProgress = [];
    private readonly List<HostUpload> hosts = [];

    public void Add(ScanRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (!inProgress.TryGetValue(record.Target, out var parts))
        {
            inProgress[record.Target] = parts = new HostParts();
        }

        switch (record)
        {
            case Observation { State: PortState.Open } open:
                parts.Open.Add(new PortUpload(open.Protocol.ToWireName(), open.Port, open.Reason, open.Service, open.Detail, open.Process, open.BindAddress?.ToString(), open.ServiceGuessed ? true : null));
                break;
            case Observation { State: not PortState.Closed } other:
                if (!parts.Others.TryGetValue((other.State, other.Reason), out var ports))
                {
                    parts.Others[(other.State, other.Reason)] = ports = [];
                }

                ports.Add(other.Key);
                break;
            case HostReport report:
                inProgress.Remove(report.Target);
                hosts.Add(new HostUpload(
                    report.Target.Address.ToString(), report.Target.HostName, report.State.ToWireName(), report.Reason,
                    report.Counts.Open, report.Counts.Closed, report.Counts.Filtered, parts.Open,
                    parts.Others.Select(group => new PortGroupUpload(group.Key.State.ToWireName(), group.Key.Reason, PortText(group.Value))).ToList(),
                    report.Undecided.Count == 0 ? null : PortText(report.Undecided)));
                break;
        }
    }

    /// <summary>The upload of everything finished so far; hosts without a report are left out (undecided).</summary>
    public PollUpload Build(Guid pollId, long trackerId, long? shardId, DateTimeOffset startedAt, DateTimeOffset finishedAt, string engine, string? error, PortSet tcp, PortSet udp) =>
        new(pollId, trackerId, shardId, startedAt, finishedAt, engine, error, tcp.ToString(), udp.ToString(), hosts);

    /// <summary>Ports as prefixed ranges that <see cref="PortSpec.Parse"/> reads back: "T:1-3,80,U:53".</summary>
    public static string PortText(IEnumerable<PortKey> ports)
    {
        var list = ports.ToList();
        var parts = new List<string>();
        foreach (var (protocol, prefix) in new[] { (Protocol.Tcp, "T:"), (Protocol.Udp, "U:") })
        {
            var set = PortSet.Of(list.Where(p => p.Protocol == protocol).Select(p => p.Port));
            if (!set.IsEmpty)
            {
                parts.Add(prefix + set);
            }
        }

        return string.Join(',', parts);
    }

    private sealed class HostParts
    {
        public List<PortUpload> Open { get; } = [];

        public Dictionary<(PortState State, string Reason), List<PortKey>> Others { get; } = [];
    }
}
