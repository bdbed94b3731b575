using PortWarden.Alerts.Channels;
using PortWarden.Core.Alerts;

namespace PortWarden.Alerts.Dispatch;

/// <summary>
/// Works the alert outbox: leases due deliveries, sends each over its channel (the rule as it is now, so a fixed URL or
/// secret takes effect on the next retry), and settles it — delivered; retried later with exponential backoff; or dead
/// after the last attempt. Several dispatchers (hubs) can share one store: leases keep them from sending a delivery twice.
/// </summary>
public sealed class AlertDispatcher(IAlertStore store, AlertSenders senders, TimeProvider time, AlertDeliveryOptions options)
{
    private readonly string owner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    /// <summary>Sends the deliveries due now (one batch); returns what happened to them.</summary>
    public async Task<DispatchRound> DeliverDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var due = await store.LeaseDueAlertDeliveriesAsync(owner, now, now + options.Lease, options.BatchSize, cancellationToken).ConfigureAwait(false);
        var outcomes = await Task.WhenAll(due.Select(delivery => AttemptAsync(delivery, cancellationToken))).ConfigureAwait(false);
        return new DispatchRound(due.Count, outcomes.Count(s => s == DeliveryStatus.Delivered), outcomes.Count(s => s == DeliveryStatus.Pending), outcomes.Count(s => s == DeliveryStatus.Dead));
    }

    /// <summary>Delivers what is due until nothing due is left or <paramref name="budget"/> is spent (the `track` command's flush); failures wait for a later run.</summary>
    public async Task<DispatchRound> FlushAsync(TimeSpan budget, CancellationToken cancellationToken)
    {
        var total = new DispatchRound(0, 0, 0, 0);
        var deadline = time.GetUtcNow() + budget;
        while (time.GetUtcNow() < deadline)
        {
            var round = await DeliverDueAsync(cancellationToken).ConfigureAwait(false);
            total = total.Add(round);
            if (round.Attempted < options.BatchSize)
            {
                break;
            }
        }

        return total;
    }

    private async Task<DeliveryStatus> AttemptAsync(AlertDelivery delivery, CancellationToken cancellationToken)
    {
        var attempts = delivery.Attempts + 1;
        string? error;
        try
        {
            error = await SendAsync(delivery, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: the lease runs out and another round sends it.
            throw;
        }
        catch (Exception failure)
        {
            error = failure is OperationCanceledException ? $"no answer within {options.SendTimeout.TotalSeconds:0} s" : failure.Message;
        }

        var now = time.GetUtcNow();
        var attempt = error is null
            ? new AlertAttempt(DeliveryStatus.Delivered, attempts, null, now, now)
            : attempts >= options.MaxAttempts || error.StartsWith(PermanentPrefix, StringComparison.Ordinal)
                ? new AlertAttempt(DeliveryStatus.Dead, attempts, error, now, null)
                : new AlertAttempt(DeliveryStatus.Pending, attempts, error, now + options.RetryDelay(attempts), null);
        await store.SettleAlertDeliveryAsync(delivery.Id, owner, attempt, CancellationToken.None).ConfigureAwait(false);
        return attempt.Status;
    }

    private const string PermanentPrefix = "cannot be sent: ";

    /// <summary>Sends one delivery; null when it went through, else why not (a failure the caller retries unless permanent).</summary>
    private async Task<string?> SendAsync(AlertDelivery delivery, CancellationToken cancellationToken)
    {
        var rule = await store.GetAlertRuleAsync(delivery.RuleId, cancellationToken).ConfigureAwait(false);
        if (rule is null)
        {
            return $"{PermanentPrefix}alert rule {delivery.RuleId} was removed";
        }

        if (rule.Channel(delivery.Channel) is not { } channel)
        {
            return $"{PermanentPrefix}rule '{rule.Name}' has no channel '{delivery.Channel}' any more";
        }

        var message = AlertMessageJson.Parse(delivery.Message);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.SendTimeout);
        await senders.For(channel).SendAsync(channel, message, delivery.Id, timeout.Token).ConfigureAwait(false);
        return null;
    }
}

/// <summary>What one round of dispatching did.</summary>
public sealed record DispatchRound(int Attempted, int Delivered, int Retrying, int Dead)
{
    public DispatchRound Add(DispatchRound other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new(Attempted + other.Attempted, Delivered + other.Delivered, Retrying + other.Retrying, Dead + other.Dead);
    }
}
