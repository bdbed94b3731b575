using System.Net.Sockets;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;
using PortWarden.Core.Targets;
using PortWarden.Scanning.Timing;

namespace PortWarden.Scanning.Udp;

/// <summary>
/// The state of one host during a UDP scan: its sources and our copies of its ICMP budgets, the ports not yet
/// probed, the probed ones not yet decided, the ports known to answer with ICMP errors (canaries), and its
/// counts. Not thread-safe: the scan guards it with its lock.
/// </summary>
internal sealed class UdpHostRun
{
    /// <summary>Well-known services tried first during discovery: a host that drops all else may still answer one of them.</summary>
    private static readonly int[] PreferredScouts = [53, 123, 161, 137, 500, 1900, 5353, 111];
    private const int ScoutCount = 6;
    private const int MaxCanaries = 4;

    private readonly PortSet portSet;
    private readonly HashSet<int> resumed;
    private readonly HashSet<int> started = [];
    private readonly Queue<int> scouts = new();
    private IEnumerator<int>? ports;
    private bool scoutsChosen;

    public UdpHostRun(ScanTarget target, PortSet portSet, IReadOnlyList<ProbeSource> sources, IReadOnlyDictionary<PortKey, Observation> decided, long now, long frequency)
    {
        Target = target;
        Family = target.Address.AddressFamily;
        Sources = sources;
        Limits = IcmpLimits.Prior(Family);
        SourceBudgets = sources.Select(_ => new IcmpBudget(Limits.SourceBurst, Limits.SourceRate, now, frequency)).ToArray();
        SlotBySource = sources.Select((source, slot) => (source.Index, slot)).ToDictionary(pair => pair.Index, pair => pair.slot);
        ProbesSent = new int[sources.Count];
        ErrorsDrawn = new int[sources.Count];
        FirstErrorAt = new long[sources.Count];
        GlobalBudget = new IcmpBudget(Limits.GlobalBurst, Limits.GlobalRate, now, frequency);
        this.portSet = portSet;
        PortCount = portSet.Count;
        resumed = decided.Keys.Where(key => key.Protocol == Protocol.Udp && portSet.Contains(key.Port)).Select(key => key.Port).ToHashSet();
        ResumedPorts = resumed.Count;
        foreach (var observation in decided.Values)
        {
            if (observation.Reason is Reasons.PortUnreachable or Reasons.AdminProhibited)
            {
                AddCanary(observation.Port);
            }
        }
    }

    public ScanTarget Target { get; }

    public AddressFamily Family { get; }

    public IReadOnlyList<ProbeSource> Sources { get; }

    public IcmpBudget[] SourceBudgets { get; }

    public IcmpBudget GlobalBudget { get; }

    /// <summary>The host's source slot of each socket-table index.</summary>
    public Dictionary<int, int> SlotBySource { get; }

    /// <summary>Datagrams sent to this host from each source slot.</summary>
    public int[] ProbesSent { get; }

    /// <summary>ICMP errors the target sent to each source slot, and when the first came (0: none yet).</summary>
    public int[] ErrorsDrawn { get; }

    public long[] FirstErrorAt { get; }

    /// <summary>Ports decided silent (enough vouched silences), held until the host finishes in case the loss estimate rises.</summary>
    public Dictionary<int, PortProgress> Silent { get; } = [];

    /// <summary>Until this timestamp no source has a token for this host's waiting work.</summary>
    public long ReadyAt { get; set; }

    /// <summary>A calibration is due and waits for the host's probes in flight to finish.</summary>
    public bool CalibrationDue { get; set; }

    public int CalibrationAttempts { get; set; }

    /// <summary>Consecutive unanswered canaries per canary port.</summary>
    public Dictionary<int, int> CanaryMisses { get; } = [];
    public IcmpLimits Limits { get; set; }

    public int PortCount { get; }

    /// <summary>Ports an earlier run already decided (skipped here).</summary>
    public int ResumedPorts { get; }

    public UdpHostPhase Phase { get; private set; } = UdpHostPhase.Discovering;

    public string Reason { get; private set; } = Reasons.NoResponse;

    public RoundTripEstimator RoundTrip { get; } = new();

    /// <summary>Probed, undecided ports by number.</summary>
    public Dictionary<int, PortProgress> Pending { get; } = [];

    /// <summary>Pending ports whose last attempt ended in silence, waiting for another.</summary>
    public LinkedList<PortProgress> Retries { get; } = new();

    public void EnqueueRetry(PortProgress progress, bool first = false)
    {
        if (progress.RetryNode is null)
        {
            progress.RetryNode = first ? Retries.AddFirst(progress) : Retries.AddLast(progress);
        }

        ReadyAt = 0;
    }

    public void RemoveRetry(PortProgress progress)
    {
        if (progress.RetryNode is { } node)
        {
            Retries.Remove(node);
            progress.RetryNode = null;
        }
    }

    /// <summary>Ports known to answer with an ICMP error from the target itself.</summary>
    public List<int> Canaries { get; } = [];

    public int NextCanary { get; set; }

    /// <summary>Probes sent and not yet resolved.</summary>
    public int InFlight { get; set; }

    /// <summary>Rounds sent and not yet resolved.</summary>
    public HashSet<ProbeRound> OpenRounds { get; } = [];

    public int SourceCursor { get; set; }

    /// <summary>Ports that answered in any way; the basis for how many retries silence deserves.</summary>
    public long Answered { get; private set; }

    /// <summary>ICMP errors the target itself sent us.</summary>
    public long IcmpAnswers { get; set; }

    public long? FirstSentAt { get; set; }

    public PortCounts Counts { get; private set; } = PortCounts.None;

    /// <summary>Ports given up on: still silent without proof that the silence was real.</summary>
    public List<PortKey> Undecided { get; } = [];

    public IcmpCalibration? Calibration { get; set; }

    /// <summary>The limiter was measured (or measuring failed for good): no calibration is due.</summary>
    public bool Calibrated { get; set; }

    public long DecidedPorts => Counts.Total + Undecided.Count;

    /// <summary>Ports not yet decided, including those never probed.</summary>
    public long RemainingPorts => PortCount - ResumedPorts - DecidedPorts;

    public bool HasFreshPorts => Phase switch
    {
        UdpHostPhase.Discovering => !scoutsChosen ? UnprobedPorts > 0 : scouts.Count > 0,
        UdpHostPhase.Scanning => UnprobedPorts > 0,
        _ => false,
    };

    /// <summary>Ports not yet probed at all.</summary>
    public long UnprobedPorts => PortCount - ResumedPorts - started.Count;

    /// <summary>The next port to probe for the first time, or null; during discovery only scouts.</summary>
    public PortProgress? TakeFreshPort()
    {
        if (Phase == UdpHostPhase.Discovering)
        {
            ChooseScouts();
            return scouts.TryDequeue(out var scout) ? Start(scout, scout: true) : null;
        }

        if (Phase != UdpHostPhase.Scanning || UnprobedPorts == 0)
        {
            return null;
        }

        ports ??= portSet.Ports().GetEnumerator();
        while (ports.MoveNext())
        {
            if (!resumed.Contains(ports.Current) && !started.Contains(ports.Current))
            {
                return Start(ports.Current, scout: false);
            }
        }

        return null;
    }

    public void MarkUp(string reason)
    {
        if (Phase != UdpHostPhase.Discovering)
        {
            return;
        }

        Phase = UdpHostPhase.Scanning;
        Reason = reason;
        scouts.Clear();
    }

    /// <summary>Remembers that a router (or this machine) said the host cannot be reached: the reason if discovery fails.</summary>
    public void NoteUnreachable(string reason) => Reason = reason;

    public void MarkFinished() => Phase = UdpHostPhase.Finished;

    public void RecordDecided(PortState state, bool answered)
    {
        Counts = Counts.With(state);
        if (answered)
        {
            Answered++;
        }
    }

    public void AddCanary(int port)
    {
        if (Canaries.Count < MaxCanaries && !Canaries.Contains(port))
        {
            Canaries.Add(port);
        }
    }

    /// <summary>The canary for the next round, rotating among the known ones; null when none is known.</summary>
    public int? TakeCanary()
    {
        if (Canaries.Count == 0)
        {
            return null;
        }

        NextCanary = (NextCanary + 1) % Canaries.Count;
        return Canaries[NextCanary];
    }

    /// <summary>Drops a canary that stopped answering although others answer.</summary>
    public void DropCanary(int port) => Canaries.Remove(port);

    private PortProgress Start(int port, bool scout)
    {
        started.Add(port);
        var progress = new PortProgress(port) { Scout = scout };
        Pending[port] = progress;
        return progress;
    }

    /// <summary>Picks the discovery scouts: well-known services among the requested ports first, then the first requested ports.</summary>
    private void ChooseScouts()
    {
        if (scoutsChosen)
        {
            return;
        }

        scoutsChosen = true;
        var candidates = PreferredScouts.Where(portSet.Contains).Concat(portSet.Ports());
        foreach (var port in candidates.Where(port => !resumed.Contains(port)).Distinct().Take(ScoutCount))
        {
            scouts.Enqueue(port);
        }
    }
}

internal enum UdpHostPhase
{
    Discovering,
    Scanning,
    Finished,
}
