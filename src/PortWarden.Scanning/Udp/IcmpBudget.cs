namespace PortWarden.Scanning.Udp;

/// <summary>
/// Our copy of one of a target's ICMP error token buckets (Linux: per source address, 1 token per second, burst 6;
/// and one for all sources). A probe that may draw an ICMP error takes a token before it is sent; an answer that
/// proves no error was sent (a UDP reply) gives it back. As long as the copy never holds more tokens than the
/// target's bucket, the target never has to suppress an error we are waiting for. Times are timestamps of the
/// scan's <see cref="TimeProvider"/>.
/// </summary>
internal sealed class IcmpBudget
{
    private readonly long frequency;
    private double tokens;
    private long updated;

    public IcmpBudget(double burst, double ratePerSecond, long now, long frequency, bool startFull = true)
    {
        this.frequency = frequency;
        Burst = burst;
        RatePerSecond = ratePerSecond;
        tokens = startFull ? burst : 0;
        updated = now;
    }

    public double Burst { get; private set; }

    public double RatePerSecond { get; private set; }

    /// <summary>Tokens available at <paramref name="now"/>.</summary>
    public double Available(long now)
    {
        Refill(now);
        return tokens;
    }

    /// <summary>Takes <paramref name="count"/> tokens, which must be available.</summary>
    public void Take(int count, long now)
    {
        Refill(now);
        tokens -= count;
    }

    /// <summary>Returns tokens taken for probes that turned out not to cost the target one.</summary>
    public void Refund(int count, long now)
    {
        Refill(now);
        tokens = Math.Min(Burst, tokens + count);
    }

    /// <summary>Forgets the tokens we thought were left: the target showed its bucket was empty.</summary>
    public void Empty(long now)
    {
        Refill(now);
        tokens = Math.Min(tokens, 0);
    }

    /// <summary>Adopts measured limits, keeping no more tokens than the new burst.</summary>
    public void Reconfigure(double burst, double ratePerSecond, long now)
    {
        Refill(now);
        Burst = burst;
        RatePerSecond = ratePerSecond;
        tokens = Math.Min(tokens, burst);
    }

    /// <summary>The timestamp at which <paramref name="count"/> tokens will be available (now if they are).</summary>
    public long WhenAvailable(double count, long now)
    {
        Refill(now);
        if (tokens >= count)
        {
            return now;
        }

        var seconds = (count - tokens) / RatePerSecond;
        return now + (long)Math.Ceiling(seconds * frequency);
    }

    private void Refill(long now)
    {
        if (now <= updated)
        {
            return;
        }

        tokens = Math.Min(Burst, tokens + ((now - updated) * RatePerSecond / frequency));
        updated = now;
    }
}
