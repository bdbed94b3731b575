namespace PortWarden.Scanning.Udp;

/// <summary>
/// Measures a target's per-source ICMP error limit with canaries (probes of a port known to draw an ICMP error,
/// so silence can only mean suppression or loss), from one source while the host's other sources wait:
/// <list type="number">
/// <item>Burst: <see cref="BurstSize"/> canaries back to back. The answered ones, plus the errors this source drew
/// just before (less what refilled since), are the bucket's size. A source not yet used for the host is preferred.</item>
/// <item>Refill: with the bucket now empty, one canary every <see cref="RefillInterval"/> for <see cref="Window"/>. Each
/// token is spent by the first canary after it arrives, so n answers sent between t1 and tn mean n-1 tokens arrived
/// in at most tn - t1 + interval: the rate is at least (n-1) / (tn - t1 + interval).</item>
/// </list>
/// Both figures are lower bounds (loss only lowers them), so pacing by them never outruns the target. If every
/// canary is answered the target showed no per-source limit at all (loopback, or a limit switched off), and only
/// the global limit is kept. On Linux (1 token/s, burst 6) this costs one source about 3 seconds and 9 ICMP errors;
/// sources the calibration leaves idle lose nothing, as their buckets fill meanwhile.
/// </summary>
internal sealed class IcmpCalibration(int sourceSlot, int canaryPort, double usedBefore, IcmpLimits prior, long frequency)
{
    /// <summary>Fine enough to measure up to 200 tokens per second per source (Linux IPv6 allows 10-40).</summary>
    public static readonly TimeSpan RefillInterval = TimeSpan.FromMilliseconds(5);

    private readonly List<UdpProbe> burst = [];
    private readonly List<UdpProbe> refill = [];
    private long refillEnd;
    private long nextRefillAt;

    public int SourceSlot { get; } = sourceSlot;

    public int CanaryPort { get; } = canaryPort;

    /// <summary>Three times the prior burst: enough to see the bucket run dry, or to learn it is larger.</summary>
    public int BurstSize { get; } = (int)Math.Ceiling(3 * prior.SourceBurst);

    /// <summary>Long enough for about three tokens at the prior rate, and at least 2.5 s.</summary>
    public TimeSpan Window { get; } = TimeSpan.FromSeconds(Math.Max(2.5, 3 / prior.SourceRate));

    public bool BurstSent => burst.Count > 0;

    /// <summary>How many canaries to send at <paramref name="now"/>.</summary>
    public int Due(long now)
    {
        if (!BurstSent)
        {
            return BurstSize;
        }

        if (!burst.TrueForAll(probe => probe.Resolved))
        {
            return 0;
        }

        if (refillEnd == 0)
        {
            refillEnd = now + Ticks(Window);
            nextRefillAt = now;
        }

        return now >= nextRefillAt && now < refillEnd ? 1 : 0;
    }

    /// <summary>When a canary will next be due (for the driver's wait), or null when none will.</summary>
    public long? NextDueAt => refillEnd != 0 && nextRefillAt < refillEnd ? nextRefillAt : null;

    public void Sent(IEnumerable<UdpProbe> probes, long now)
    {
        if (!BurstSent)
        {
            burst.AddRange(probes);
            return;
        }

        refill.AddRange(probes);
        nextRefillAt = now + Ticks(RefillInterval);
    }

    /// <summary>True once every canary is resolved and the window has passed.</summary>
    public bool IsComplete(long now) => refillEnd != 0 && now >= refillEnd && refill.TrueForAll(probe => probe.Resolved);

    /// <summary>The measured limits, or null when the canary never answered (it may have stopped being closed).</summary>
    public IcmpLimits? Result()
    {
        var answered = refill.Where(probe => probe.Answered).Select(probe => probe.SentAt).ToList();
        var burstAnswered = burst.Count(probe => probe.Answered);
        if (burstAnswered == BurstSize && answered.Count == refill.Count)
        {
            return prior with { SourceBurst = prior.GlobalBurst, SourceRate = prior.GlobalRate };
        }

        return Estimate(burstAnswered, BurstSize, usedBefore, answered, refill.Count, RefillInterval, frequency, prior);
    }

    /// <summary>The estimate from the counts and times; see the class summary.</summary>
    public static IcmpLimits? Estimate(
        int burstAnswered, int burstSent, double usedBefore, IReadOnlyList<long> refillAnsweredAt, int refillSent, TimeSpan interval, long frequency, IcmpLimits prior)
    {
        if (burstAnswered == 0 && refillAnsweredAt.Count == 0)
        {
            return null;
        }

        var burstSize = Math.Max(1, burstAnswered + Math.Floor(usedBefore));
        double rate;
        if (refillAnsweredAt.Count >= 2)
        {
            var span = (refillAnsweredAt[^1] - refillAnsweredAt[0]) / (double)frequency;
            rate = (refillAnsweredAt.Count - 1) / (span + interval.TotalSeconds);
        }
        else
        {
            // One token or none in the whole window: at most one per window, so assume half that.
            var window = refillSent * interval.TotalSeconds;
            rate = 1 / (2 * Math.Max(window, interval.TotalSeconds));
        }

        return prior with { SourceBurst = burstSize, SourceRate = rate };
    }

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * frequency);
}
