using PortWarden.Core.Tracking;

namespace PortWarden.Core.Alerts;

/// <summary>
/// Turns a recorded poll into alert deliveries: for each enabled rule with matching events, one message for the poll,
/// queued once per channel — due now, at the end of quiet hours (defer), or kept unsent (suppress).
/// </summary>
public static class AlertPlanner
{
    public static IReadOnlyList<AlertDelivery> Plan(IEnumerable<AlertRule> rules, Device device, PollRecord poll, IReadOnlyList<TrackEvent> events, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var deliveries = new List<AlertDelivery>();
        foreach (var rule in rules.Where(rule => rule.Enabled))
        {
            var filter = new AlertFilter(rule.Match);
            var matching = events.Where(filter.Matches).ToList();
            if (matching.Count == 0)
            {
                continue;
            }

            var message = AlertMessageJson.Serialize(AlertMessage.Create(rule, device, poll, matching, now));
            var quiet = rule.QuietHours is { } hours ? new QuietPeriod(hours) : null;
            var quietEnd = quiet?.EndOfQuiet(now);
            foreach (var channel in rule.Channels)
            {
                deliveries.Add(new AlertDelivery(Guid.CreateVersion7(now), poll.Id, rule.Id, channel.NameOrDefault, device.Id, message, now, quietEnd ?? now)
                {
                    Status = quietEnd is not null && quiet!.Suppresses ? DeliveryStatus.Suppressed : DeliveryStatus.Pending,
                });
            }
        }

        return deliveries;
    }
}
