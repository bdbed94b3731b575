namespace PortWarden.Core.Scanning;

/// <summary>How far a scan is: probes decided out of the total, the rate so far and the time left at that rate.</summary>
public sealed record ScanProgress(long Completed, long Total, TimeSpan Elapsed)
{
    public double PerSecond => Elapsed > TimeSpan.Zero ? Completed / Elapsed.TotalSeconds : 0;

    public double Fraction => Total > 0 ? Math.Min(1.0, (double)Completed / Total) : 0;

    /// <summary>Estimated time to completion, or null before there is a rate to go by.</summary>
    public TimeSpan? Remaining => PerSecond > 0 ? TimeSpan.FromSeconds(Math.Max(0, Total - Completed) / PerSecond) : null;
}
