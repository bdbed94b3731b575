namespace PortWarden.Core.Tracking;

/// <summary>How polls turn into events: how many polls must agree before a change is confirmed, and whether to send the full state after each poll.</summary>
public sealed record TrackingPolicy(int ConfirmPolls = 1, bool SendBaselineEvents = false)
{
    public const int MaxConfirmPolls = 100;

    public static TrackingPolicy Default { get; } = new();
}
