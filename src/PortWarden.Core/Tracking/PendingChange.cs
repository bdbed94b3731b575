namespace PortWarden.Core.Tracking;

/// <summary>
/// A change seen but not yet confirmed: the new state, how many consecutive polls agreed, and the interval
/// in which it happened (after <see cref="ChangedAfter"/>, first seen at <see cref="FirstSeenAt"/>).
/// </summary>
public sealed record PendingChange(string State, int Count, DateTimeOffset ChangedAfter, DateTimeOffset FirstSeenAt)
{
    /// <summary>
    /// The pending state after one more poll that saw <paramref name="state"/>: a continued streak, or a new one.
    /// </summary>
    public static PendingChange Next(PendingChange? pending, string state, DateTimeOffset changedAfter, DateTimeOffset now) =>
        pending is not null && pending.State == state
            ? pending with { Count = pending.Count + 1 }
            : new PendingChange(state, 1, changedAfter, now);
}
