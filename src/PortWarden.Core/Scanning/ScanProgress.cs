namespace PortWarden.Core.Scanning;

/// <summary>How far a scan is: probes decided out of the total, the rate so far and the time left at that rate.</summary>
public sealed record ScanProgress(long Completed, long Total, TimeSpan Elapsed)
{
    public double PerSecond => Elapsed > TimeSpan.Zero ? Completed / Elapsed.TotalSeconds : 0;

    public double Fraction => Total > 0 ? Math.Min(1.0, (double)Completed / Total) : 0;

    /// <summary>The engine's own estimate of the time left (e.g. from the rate a target lets it work at), when it has one.</summary>
    public TimeSpan? EstimatedRemaining { get; init; }

    /// <summary>Estimated time to completion: the engine's estimate, else the average rate so far; null before there is either.</summary>
    public TimeSpan? Remaining => EstimatedRemaining
        ?? (PerSecond > 0 ? TimeSpan.FromSeconds(Math.Max(0, Total - Completed) / PerSecond) : null);
}
