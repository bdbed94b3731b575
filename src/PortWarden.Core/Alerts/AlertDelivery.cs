namespace PortWarden.Core.Alerts;

/// <summary>Where a delivery stands.</summary>
public enum DeliveryStatus
{
    /// <summary>Waiting to be sent (first try, a retry after a failure, or the end of quiet hours).</summary>
    Pending,

    Delivered,

    /// <summary>Failed as often as allowed: kept for an operator to look at and retry.</summary>
    Dead,

    /// <summary>Raised in quiet hours by a rule that drops such messages; kept, never sent.</summary>
    Suppressed,
}

public static class DeliveryStatusNames
{
    public static string ToWireName(this DeliveryStatus status) => status switch
    {
        DeliveryStatus.Pending => "pending",
        DeliveryStatus.Delivered => "delivered",
        DeliveryStatus.Dead => "dead",
        DeliveryStatus.Suppressed => "suppressed",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static bool TryParse(string? text, out DeliveryStatus status)
    {
        foreach (var candidate in Enum.GetValues<DeliveryStatus>())
        {
            if (string.Equals(candidate.ToWireName(), text, StringComparison.OrdinalIgnoreCase))
            {
                status = candidate;
                return true;
            }
        }

        status = default;
        return false;
    }
}

/// <summary>
/// One message of one rule to one of its channels: an entry of the alert outbox. The poll, rule and channel identify it,
/// so recording the alerts of a poll twice queues nothing twice. <see cref="Message"/> is the message as JSON.
/// </summary>
public sealed record AlertDelivery(Guid Id, Guid PollId, long RuleId, string Channel, long DeviceId, string Message, DateTimeOffset CreatedAt, DateTimeOffset NextAttemptAt)
{
    public DeliveryStatus Status { get; init; } = DeliveryStatus.Pending;

    public int Attempts { get; init; }

    public string? LastError { get; init; }

    public DateTimeOffset? DeliveredAt { get; init; }
}
