namespace PortWarden.Alerts.Dispatch;

/// <summary>How the alert outbox is worked: retries with exponential backoff, dead-lettering, leases and time limits.</summary>
public sealed record AlertDeliveryOptions
{
    /// <summary>Attempts before a delivery is dead (kept, listed, retried only by hand).</summary>
    public int MaxAttempts { get; init; } = 8;

    /// <summary>The wait after the first failure; each further failure doubles it, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How long a dispatcher holds the deliveries it took; a dispatcher that dies lets them go after this.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The longest one send may take before it counts as failed.</summary>
    public TimeSpan SendTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Deliveries taken (and sent concurrently) per round.</summary>
    public int BatchSize { get; init; } = 20;

    /// <summary>How often the hub's dispatcher looks for due deliveries when nothing wakes it.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan RetryDelay(int failures) =>
        TimeSpan.FromTicks(Math.Min(MaxRetryDelay.Ticks, FirstRetryDelay.Ticks * (1L << Math.Clamp(failures - 1, 0, 30))));
}
