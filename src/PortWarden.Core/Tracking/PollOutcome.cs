namespace PortWarden.Core.Tracking;

/// <summary>How much of what a poll set out to decide it did decide.</summary>
public enum PollOutcome
{
    /// <summary>Every host it reported was decided, without error.</summary>
    Complete,

    /// <summary>Some hosts or ports were decided, others not (an error part way, a failed shard, undecided ports).</summary>
    Partial,

    /// <summary>Nothing was decided: the baseline is unchanged.</summary>
    Failed,
}

public static class PollOutcomeNames
{
    public static string ToWireName(this PollOutcome outcome) => outcome switch
    {
        PollOutcome.Complete => "complete",
        PollOutcome.Partial => "partial",
        PollOutcome.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome)),
    };

    public static PollOutcome Parse(string text) => text switch
    {
        "complete" => PollOutcome.Complete,
        "partial" => PollOutcome.Partial,
        "failed" => PollOutcome.Failed,
        _ => throw new FormatException($"unknown poll outcome '{text}' (complete, partial or failed)"),
    };

    /// <summary>
    /// The one rule for every path: a poll that decided no host and has an error failed; one with an error or with
    /// undecided ports that decided some hosts is partial; otherwise it is complete.
    /// </summary>
    public static PollOutcome Of(int hostsDecided, bool anyUndecided, string? error) =>
        error is not null ? (hostsDecided == 0 ? PollOutcome.Failed : PollOutcome.Partial)
        : anyUndecided ? PollOutcome.Partial
        : PollOutcome.Complete;
}
