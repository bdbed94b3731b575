using PortWarden.Core.Alerts;
using PortWarden.Core.Tracking;

namespace PortWarden.Alerts.Dispatch;

/// <summary>
/// The step after a poll is recorded: plans the rules' messages about its events and queues them in the outbox, where a
/// dispatcher picks them up. Queuing the same poll again adds nothing (poll, rule and channel identify a delivery).
/// </summary>
public sealed class AlertOutbox(IPortWardenStore store, TimeProvider time)
{
    /// <summary>Queues the alerts about a recorded poll; returns how many deliveries are new.</summary>
    public async Task<int> EnqueueAsync(Device device, PollRecord poll, IReadOnlyList<TrackEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return 0;
        }

        var rules = await store.ListAlertRulesAsync(cancellationToken).ConfigureAwait(false);
        if (rules.Count == 0)
        {
            return 0;
        }

        var deliveries = AlertPlanner.Plan(rules, device, poll, events, time.GetUtcNow());
        return deliveries.Count == 0 ? 0 : await store.EnqueueAlertDeliveriesAsync(deliveries, cancellationToken).ConfigureAwait(false);
    }
}
