namespace PortWarden.Core.Alerts;

/// <summary>Alert rules, and the outbox of alert deliveries that dispatchers lease, send and settle.</summary>
public interface IAlertStore
{
    /// <summary>Stores a new rule (its Id is assigned); a live rule with the same name is a <see cref="Tracking.StoreException"/>.</summary>
    Task<AlertRule> AddAlertRuleAsync(AlertRule rule, CancellationToken cancellationToken);

    /// <summary>Replaces the rule with that Id; null when there is no such rule.</summary>
    Task<AlertRule?> UpdateAlertRuleAsync(AlertRule rule, CancellationToken cancellationToken);

    Task<AlertRule?> GetAlertRuleAsync(long id, CancellationToken cancellationToken);

    /// <summary>The live rule called <paramref name="name"/> (any case).</summary>
    Task<AlertRule?> FindAlertRuleAsync(string name, CancellationToken cancellationToken);

    Task<IReadOnlyList<AlertRule>> ListAlertRulesAsync(CancellationToken cancellationToken);

    /// <summary>Removes a rule (its deliveries stay, undelivered ones end up dead). False when there is no such rule.</summary>
    Task<bool> RemoveAlertRuleAsync(long id, CancellationToken cancellationToken);

    /// <summary>Queues deliveries, skipping any whose poll, rule and channel are queued already; returns how many were new.</summary>
    Task<int> EnqueueAlertDeliveriesAsync(IReadOnlyList<AlertDelivery> deliveries, CancellationToken cancellationToken);

    /// <summary>
    /// Leases up to <paramref name="limit"/> pending deliveries that are due at <paramref name="now"/> and not leased by another
    /// dispatcher, for <paramref name="owner"/> until <paramref name="until"/>; oldest first.
    /// </summary>
    Task<IReadOnlyList<AlertDelivery>> LeaseDueAlertDeliveriesAsync(string owner, DateTimeOffset now, DateTimeOffset until, int limit, CancellationToken cancellationToken);

    /// <summary>Settles one attempt of a delivery the owner leased: its new status, attempt count, error and next attempt; releases the lease.</summary>
    Task SettleAlertDeliveryAsync(Guid id, string owner, AlertAttempt attempt, CancellationToken cancellationToken);

    /// <summary>Deliveries, newest first, optionally only those with <paramref name="status"/>.</summary>
    Task<IReadOnlyList<AlertDelivery>> ListAlertDeliveriesAsync(DeliveryStatus? status, int limit, CancellationToken cancellationToken);

    Task<AlertDelivery?> GetAlertDeliveryAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>Puts a dead (or suppressed) delivery back in the queue with a fresh count of attempts. False when it is not dead or suppressed.</summary>
    Task<bool> RetryAlertDeliveryAsync(Guid id, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>The outcome of one delivery attempt.</summary>
public sealed record AlertAttempt(DeliveryStatus Status, int Attempts, string? Error, DateTimeOffset NextAttemptAt, DateTimeOffset? DeliveredAt);
