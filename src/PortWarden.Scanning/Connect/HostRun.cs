using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;
using PortWarden.Core.Targets;
using PortWarden.Scanning.Timing;

namespace PortWarden.Scanning.Connect;

/// <summary>
/// The state of one host during a connect scan: discovery first (unless disabled), then its ports in order.
/// Not thread-safe: the scan guards it with its lock.
/// </summary>
internal sealed class HostRun
{
    private readonly IEnumerator<int> ports;
    private readonly Queue<int> discovery;
    private bool hasNextPort;

    public HostRun(ScanTarget target, PortSet portSet, IEnumerable<int> discoveryPorts, bool discover)
    {
        Target = target;
        PortCount = portSet.Count;
        ports = portSet.Ports().GetEnumerator();
        hasNextPort = ports.MoveNext();
        discovery = new Queue<int>(discover ? discoveryPorts : []);
        if (!discover)
        {
            MarkUp(Reasons.UserSet);
        }
    }

    public ScanTarget Target { get; }

    public int PortCount { get; }

    public HostPhase Phase { get; private set; } = HostPhase.Discovering;

    public string Reason { get; private set; } = Reasons.NoResponse;

    public RoundTripEstimator RoundTrip { get; } = new();

    /// <summary>Attempts taken or queued and not yet finished (their results not yet written).</summary>
    public int Outstanding { get; set; }

    /// <summary>Ports that answered in any way; the basis for how many retries silence deserves.</summary>
    public long Answered { get; private set; }

    public PortCounts Counts { get; private set; } = PortCounts.None;

    /// <summary>Ports that stayed silent so far, with the attempts spent on each.</summary>
    public List<(int Port, int Attempts)> Silent { get; } = [];

    public bool HasFreshProbes => Phase == HostPhase.Discovering ? discovery.Count > 0 : Phase == HostPhase.Scanning && hasNextPort;

    public Probe? TakeFreshProbe()
    {
        if (Phase == HostPhase.Discovering)
        {
            return discovery.TryDequeue(out var port) ? new Probe(this, port, 0, Discovery: true) : null;
        }

        if (Phase != HostPhase.Scanning || !hasNextPort)
        {
            return null;
        }

        var probe = new Probe(this, ports.Current, 0, Discovery: false);
        hasNextPort = ports.MoveNext();
        return probe;
    }

    public void MarkUp(string reason)
    {
        Phase = HostPhase.Scanning;
        Reason = reason;
    }

    /// <summary>Remembers that a router said the host cannot be reached; the reason if discovery fails.</summary>
    public void NoteUnreachable(string reason) => Reason = reason;

    public void MarkFinished() => Phase = HostPhase.Finished;

    public void RecordDecided(PortState state, bool answered)
    {
        Counts = Counts.With(state);
        if (answered)
        {
            Answered++;
        }
    }
}

internal enum HostPhase
{
    Discovering,
    Scanning,
    Finished,
}
