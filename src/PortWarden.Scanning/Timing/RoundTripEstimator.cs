namespace PortWarden.Scanning.Timing;

/// <summary>
/// Smoothed round-trip time and its variation (Jacobson/Karels, as TCP and nmap use), giving a probe timeout
/// that follows how fast a host really answers.
/// </summary>
internal sealed class RoundTripEstimator
{
    private double smoothedMs;
    private double variationMs;

    public bool HasSamples { get; private set; }

    public void Add(TimeSpan sample)
    {
        var ms = sample.TotalMilliseconds;
        if (!HasSamples)
        {
            smoothedMs = ms;
            variationMs = ms / 2;
            HasSamples = true;
            return;
        }

        variationMs = (0.75 * variationMs) + (0.25 * Math.Abs(smoothedMs - ms));
        smoothedMs = (0.875 * smoothedMs) + (0.125 * ms);
    }

    /// <summary>How long to wait for an answer: smoothed RTT plus four deviations, within the bounds.</summary>
    public TimeSpan Timeout(TimeSpan min, TimeSpan max) =>
        TimeSpan.FromMilliseconds(Math.Clamp(smoothedMs + (4 * variationMs), min.TotalMilliseconds, max.TotalMilliseconds));
}
