using System.Threading.RateLimiting;

namespace PortWarden.Scanning.Timing;

/// <summary>Keeps probes under a rate (probes per second); a pacer without a rate lets everything through.</summary>
internal sealed class ProbePacer : IAsyncDisposable
{
    private const int MinBurst = 2;
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(10);
    private readonly TokenBucketRateLimiter? limiter;

    public ProbePacer(double? ratePerSecond)
    {
        if (ratePerSecond is not { } rate)
        {
            return;
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rate);
        var periodsPerSecond = 1 / Period.TotalSeconds;
        var perPeriod = rate / periodsPerSecond;
        limiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            // Slow rates refill one token per 1/rate seconds; fast ones a batch every 10 ms.
            ReplenishmentPeriod = perPeriod >= 1 ? Period : TimeSpan.FromSeconds(1 / rate),
            TokensPerPeriod = perPeriod >= 1 ? (int)Math.Round(perPeriod) : 1,
            // At least two, so that a UDP retry round (a retry and its canary) fits in the bucket at slow rates.
            TokenLimit = Math.Max(MinBurst, (int)Math.Round(perPeriod)),
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
    }

    public async ValueTask WaitAsync(CancellationToken cancellationToken)
    {
        if (limiter is null)
        {
            return;
        }

        using var lease = await limiter.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Takes a probe's worth of rate if it is available now, without waiting.</summary>
    public bool TryTake()
    {
        if (limiter is null)
        {
            return true;
        }

        using var lease = limiter.AttemptAcquire(1);
        return lease.IsAcquired;
    }

    /// <summary>Probes that may go now without waiting (all of them without a rate): callers that send in rounds size them by it.</summary>
    public int Available => limiter is null ? int.MaxValue : (int)Math.Min(int.MaxValue, limiter.GetStatistics()?.CurrentAvailablePermits ?? 0);

    /// <summary>True when a rate is set, so callers that poll should poll often.</summary>
    public bool IsLimited => limiter is not null;

    public ValueTask DisposeAsync() => limiter?.DisposeAsync() ?? ValueTask.CompletedTask;
}
