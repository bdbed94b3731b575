using System.Buffers.Binary;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;
using PortWarden.Core.Targets;
using PortWarden.Scanning.Timing;
using PortWarden.Scanning.Udp.Payloads;

namespace PortWarden.Scanning.Udp;

/// <summary>
/// The decisions of a UDP scan, free of I/O: which rounds of probes go out from which source (paced by our copies
/// of each host's ICMP budgets), how long to wait for them, what each answer means, when a silence is proven and
/// when a host is done. Drivers send the rounds and report what comes back, holding <see cref="Gate"/>; records
/// are added to the queue under that lock, so each host's observations precede its report.
/// </summary>
internal sealed partial class UdpScheduler
{
    private const int MaxRoundProbes = 32;
    private const int MaxFreshPerRound = 16;
    private static readonly byte[] CanaryMagic = "PWCANARY"u8.ToArray();

    private readonly ScanRequest request;
    private readonly ScanOptions options;
    private readonly ServiceTable services;
    private readonly RecordQueue output;
    private readonly SourceTable sources;
    private readonly long frequency;
    private readonly LossEstimator loss = new();
    private readonly RoundTripEstimator networkRoundTrip = new();
    private readonly IEnumerator<ScanTarget> hosts;
    private readonly List<UdpHostRun> active = [];
    private readonly Dictionary<System.Net.IPAddress, UdpHostRun> byAddress = [];
    private readonly PriorityQueue<UdpProbe, long> deadlines = new();
    private readonly Dictionary<uint, UdpProbe> canaries = [];
    private readonly int maxAttempts;
    private readonly int attemptCap;
    private bool hostsExhausted;
    private int nextHost;
    private uint nextNonce;
    private ushort nextPayloadId;

    public UdpScheduler(ScanRequest request, ServiceTable services, RecordQueue output, SourceTable sources, long frequency)
    {
        this.request = request;
        options = request.Options;
        this.services = services;
        this.output = output;
        this.sources = sources;
        this.frequency = frequency;
        hosts = request.Targets.Enumerate().GetEnumerator();
        maxAttempts = Math.Max(1, options.MaxRetries + 1);

        // Attempts whose silence could not be proven (their canary was lost) do not count towards the proof, so a
        // port may take more attempts than --retries allows, up to this cap; then it is reported undecided.
        attemptCap = (2 * maxAttempts) + 2;
        nextPayloadId = (ushort)Random.Shared.Next(ushort.MaxValue);
    }

    public Lock Gate { get; } = new();

    /// <summary>Datagrams sent and not yet resolved.</summary>
    public int InFlight { get; private set; }

    /// <summary>Ports decided so far, including all ports of hosts found down and those an earlier run decided.</summary>
    public long CompletedPorts { get; private set; }

    public bool IsFinished => hostsExhausted && active.Count == 0;

    /// <summary>The socket-table entry of a source index.</summary>
    public ProbeSource Source(int index) => sources[index];

    /// <summary>The rounds to send now, in order; each probe's send time and deadline are set to <paramref name="now"/>.</summary>
    public List<ProbeRound> NextRounds(long now, ProbePacer pacer)
    {
        var rounds = new List<ProbeRound>();
        if (output.IsCongested)
        {
            return rounds;
        }

        ActivateHosts(now);
        var count = active.Count;
        for (var i = 0; i < count && InFlight < options.Concurrency; i++)
        {
            var host = active[(nextHost + i) % count];
            if (host.Calibration is not null)
            {
                if (CalibrationRound(host, now) is { } calibration)
                {
                    rounds.Add(calibration);
                }

                continue;
            }

            if (StartCalibrationIfDue(host, now) || host.ReadyAt > now)
            {
                continue;
            }

            var sent = false;
            var sourceCount = host.Sources.Count;
            for (var s = 0; s < sourceCount && InFlight < options.Concurrency; s++)
            {
                var slot = (host.SourceCursor + s) % sourceCount;
                if (BuildRound(host, slot, now, pacer) is { } round)
                {
                    rounds.Add(round);
                    sent = true;
                    host.SourceCursor = (slot + 1) % sourceCount;
                }
            }

            if (!sent && (host.Retries.Count > 0 || host.HasFreshPorts))
            {
                host.ReadyAt = EarliestToken(host, now);
            }
        }

        nextHost = count == 0 ? 0 : (nextHost + 1) % count;
        return rounds;
    }

    /// <summary>Marks every probe whose deadline passed as silent and settles what follows.</summary>
    public void Expire(long now)
    {
        while (deadlines.TryPeek(out var probe, out var deadline) && deadline <= now)
        {
            deadlines.Dequeue();
            if (!probe.Resolved)
            {
                Resolve(probe, answered: false);
                AfterResolve(probe, now);
            }
        }
    }

    /// <summary>When something is next due (a deadline, a token, a calibration canary), for the driver's wait; null if nothing is.</summary>
    public long? NextWakeAt(long now)
    {
        long? next = deadlines.TryPeek(out _, out var deadline) ? deadline : null;
        foreach (var host in active)
        {
            var due = host.Calibration?.NextDueAt ?? (host.ReadyAt > now ? host.ReadyAt : (long?)null);
            if (due is { } at && (next is null || at < next))
            {
                next = at;
            }
        }

        return next;
    }

    /// <summary>How far the scan is, with the time left at the rate the targets' ICMP budgets allow.</summary>
    public ScanProgress Progress(long total, TimeSpan elapsed)
    {
        var completed = CompletedPorts;
        var throughput = active.Sum(host => host.Limits.Throughput(host.Sources.Count));
        TimeSpan? remaining = throughput > 0 && active.Count > 0
            ? TimeSpan.FromSeconds(Math.Max(0, total - completed) / throughput)
            : null;
        return new ScanProgress(completed, Math.Max(total, completed), elapsed) { EstimatedRemaining = remaining };
    }

    /// <summary>An upper bound of the ports this scan decides: hosts times UDP ports.</summary>
    public long EstimateTotalPorts()
    {
        var bound = request.Targets.CountUpperBound;
        var hostCount = bound <= (UInt128)(4 * TargetSet.DefaultAddressLimit) ? request.Targets.Count() : (long)UInt128.Min(bound, long.MaxValue);
        return hostCount * Math.Max(1, request.UdpPorts.Count);
    }

    private void ActivateHosts(long now)
    {
        while (!hostsExhausted && active.Count < options.HostParallelism)
        {
            if (!hosts.MoveNext())
            {
                hostsExhausted = true;
                break;
            }

            var target = hosts.Current;
            if (request.Resume is { } resume && resume.IsFinished(target.Address))
            {
                CompletedPorts += request.UdpPorts.Count;
                continue;
            }

            var decided = request.Resume?.DecidedPorts(target.Address) ?? EmptyDecided;
            var host = new UdpHostRun(target, request.UdpPorts, sources.For(target.Address), decided, now, frequency);
            CompletedPorts += host.ResumedPorts;
            if (!options.HostDiscovery)
            {
                host.MarkUp(Reasons.UserSet);
            }
            else if (decided.Values.FirstOrDefault(o => o.Protocol == Protocol.Udp) is { } first)
            {
                // The earlier run reports ports only of hosts it found up, by their first answer.
                var answered = decided.Values.FirstOrDefault(o => o.Protocol == Protocol.Udp && o.Reason != Reasons.NoResponse);
                host.MarkUp((answered ?? first).Reason);
            }

            active.Add(host);
            byAddress[target.Address] = host;
            Settle(host, now);
        }
    }

    private static readonly Dictionary<PortKey, Observation> EmptyDecided = [];

    /// <summary>
    /// A round for one source of a host: silent ports due for another attempt, closed by a canary; or else ports
    /// never probed. Probes that may draw an ICMP error take a token from the source's and the host's budget.
    /// </summary>
    private ProbeRound? BuildRound(UdpHostRun host, int slot, long now, ProbePacer pacer)
    {
        var tokens = (int)Math.Floor(Math.Min(host.SourceBudgets[slot].Available(now), host.GlobalBudget.Available(now)));
        // A round goes out whole or not at all: never larger than the user's --rate lets go at once, or it would never go.
        var room = Math.Min(options.Concurrency - InFlight, pacer.Available);
        var probes = new List<UdpProbe>();
        var charged = 0;
        if (host.Retries.Count > 0)
        {
            var canary = host.Canaries.Count > 0;
            var reserve = canary ? 1 : 0;
            for (var node = host.Retries.First; node is not null && probes.Count < Math.Min(MaxRoundProbes, room - reserve);)
            {
                var next = node.Next;
                var progress = node.Value;

                // A port whose silence was vouched for once is most likely silent: it costs no token. An unvouched
                // one may be a closed port whose error was suppressed: it may cost one.
                var cost = progress.VouchedSilences > 0 ? 0 : 1;
                if (charged + cost + reserve <= Math.Max(tokens, FullRound(host, slot, now, reserve)))
                {
                    host.RemoveRetry(progress);
                    probes.Add(PortProbe(host, progress, cost > 0));
                    charged += cost;
                }

                node = next;
            }

            if (probes.Count > 0 && canary)
            {
                probes.Add(CanaryProbe(host, host.TakeCanary()!.Value, ProbeKind.Canary));
                charged++;
            }
        }

        if (probes.Count == 0)
        {
            var fresh = Math.Min(Math.Min(tokens, MaxFreshPerRound), room);
            for (var i = 0; i < fresh && host.TakeFreshPort() is { } progress; i++)
            {
                probes.Add(PortProbe(host, progress, charged: true));
                charged++;
            }
        }

        if (probes.Count == 0)
        {
            return null;
        }

        if (pacer.IsLimited && !TakePermits(pacer, probes.Count))
        {
            // Over the user's --rate: put the ports back and try again shortly.
            Unbuild(host, probes);
            return null;
        }

        host.SourceBudgets[slot].Take(charged, now);
        host.GlobalBudget.Take(charged, now);
        return Launch(host, slot, probes, now);
    }

    /// <summary>
    /// What a round may charge when the source's bucket is full, even if that is more than it holds: a bucket of one
    /// token could otherwise never pay for a retry and its canary. (A silent retry costs the target nothing; a closed
    /// one answers, and only the canary's proof is lost.)
    /// </summary>
    private static int FullRound(UdpHostRun host, int slot, long now, int reserve)
    {
        var budget = host.SourceBudgets[slot];
        return budget.Available(now) >= Math.Floor(budget.Burst) && host.GlobalBudget.Available(now) >= reserve + 1 ? reserve + 1 : 0;
    }

    private static bool TakePermits(ProbePacer pacer, int count)
    {
        for (var i = 0; i < count; i++)
        {
            if (!pacer.TryTake())
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Returns the ports of a round that could not be sent to where they came from.</summary>
    private static void Unbuild(UdpHostRun host, List<UdpProbe> probes)
    {
        foreach (var probe in probes.Where(probe => probe.Kind == ProbeKind.Port))
        {
            var progress = host.Pending[probe.Port];
            progress.InFlight = null;
            host.EnqueueRetry(progress, first: true);
        }
    }

    private UdpProbe PortProbe(UdpHostRun host, PortProgress progress, bool charged)
    {
        var payload = UdpPayloads.ForAttempt(progress.Port, progress.Attempts)?.Build(nextPayloadId++) ?? [];
        var probe = new UdpProbe(host, progress.Port, progress.Attempts, ProbeKind.Port, payload) { Charged = charged };
        progress.InFlight = probe;
        return probe;
    }

    private UdpProbe CanaryProbe(UdpHostRun host, int port, ProbeKind kind)
    {
        var nonce = ++nextNonce;
        var payload = new byte[CanaryMagic.Length + 4];
        CanaryMagic.CopyTo(payload, 0);
        BinaryPrimitives.WriteUInt32BigEndian(payload.AsSpan(CanaryMagic.Length), nonce);
        var probe = new UdpProbe(host, port, 0, kind, payload) { Charged = kind == ProbeKind.Canary };
        canaries[nonce] = probe;
        return probe;
    }

    private ProbeRound Launch(UdpHostRun host, int slot, List<UdpProbe> probes, long now)
    {
        var round = new ProbeRound(host, slot, probes);
        foreach (var probe in probes)
        {
            probe.Round = round;
            probe.SentAt = now;
            probe.Deadline = now + Ticks(TimeoutFor(host, probe.Attempt));
            deadlines.Enqueue(probe, probe.Deadline);
            InFlight++;
            host.InFlight++;
        }

        host.OpenRounds.Add(round);
        host.ProbesSent[slot] += probes.Count;
        host.FirstSentAt ??= now;
        return round;
    }

    /// <summary>How long to wait for an answer: the host's (or the network's) adaptive timeout, longer for later attempts.</summary>
    private TimeSpan TimeoutFor(UdpHostRun host, int attempt)
    {
        var estimator = host.RoundTrip.HasSamples ? host.RoundTrip : networkRoundTrip;
        var timeout = estimator.HasSamples ? estimator.Timeout(options.MinTimeout, options.MaxTimeout) : options.InitialTimeout;
        var backoff = 1 << Math.Min(attempt, 3);
        return TimeSpan.FromTicks(Math.Min(timeout.Ticks * backoff, Math.Max(options.MaxTimeout.Ticks, timeout.Ticks)));
    }

    /// <summary>The earliest time a source of the host will have a token for its waiting work.</summary>
    private static long EarliestToken(UdpHostRun host, long now)
    {
        var needed = host.Retries.Count > 0 && host.Canaries.Count > 0 ? 2 : 1;
        var earliest = long.MaxValue;
        foreach (var budget in host.SourceBudgets)
        {
            earliest = Math.Min(earliest, budget.WhenAvailable(Math.Min(needed, Math.Max(1, Math.Floor(budget.Burst))), now));
        }

        return Math.Max(earliest, host.GlobalBudget.WhenAvailable(needed, now));
    }

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * frequency);

    private double Seconds(long ticks) => ticks / (double)frequency;
}
