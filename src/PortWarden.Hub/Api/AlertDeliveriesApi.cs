using System.Text.Json;
using PortWarden.Core.Alerts;
using PortWarden.Core.Tracking;
using PortWarden.Hub.Alerts;

namespace PortWarden.Hub.Api;

/// <summary>An alert delivery (one message of a rule to one channel) as the API shows it.</summary>
public sealed record AlertDeliveryView(
    Guid Id, Guid PollId, long RuleId, string Channel, long DeviceId, string Status, int Attempts, string? LastError,
    DateTimeOffset CreatedAt, DateTimeOffset NextAttemptAt, DateTimeOffset? DeliveredAt, string Subject)
{
    public static AlertDeliveryView Of(AlertDelivery delivery) => new(
        delivery.Id, delivery.PollId, delivery.RuleId, delivery.Channel, delivery.DeviceId, delivery.Status.ToWireName(), delivery.Attempts, delivery.LastError,
        delivery.CreatedAt, delivery.NextAttemptAt, delivery.DeliveredAt, AlertMessageJson.Parse(delivery.Message).Subject);
}

/// <summary>/api/v1/alert-deliveries: the alert outbox — pending, delivered, dead (failed every attempt) and suppressed deliveries; retry a dead one.</summary>
public static class AlertDeliveriesApi
{
    public static void Map(RouteGroupBuilder api, TimeProvider time)
    {
        var deliveries = api.MapGroup("/alert-deliveries").WithTags("Alerts");
        deliveries.MapGet("/", async (string? status, int? limit, IPortWardenStore store, CancellationToken cancellationToken) =>
        {
            DeliveryStatus? wanted = null;
            if (status is not null)
            {
                if (!DeliveryStatusNames.TryParse(status, out var parsed))
                {
                    var validation = new Validation();
                    validation.Add("status", $"'{status}' is not pending, delivered, dead or suppressed");
                    return validation.Problem();
                }

                wanted = parsed;
            }

            var list = await store.ListAlertDeliveriesAsync(wanted, Math.Clamp(limit ?? 100, 1, 1000), cancellationToken).ConfigureAwait(false);
            return Results.Ok(list.Select(AlertDeliveryView.Of));
        });

        deliveries.MapGet("/{id:guid}", async (Guid id, IPortWardenStore store, CancellationToken cancellationToken) =>
            await store.GetAlertDeliveryAsync(id, cancellationToken).ConfigureAwait(false) is { } delivery
                ? Results.Ok(new { delivery = AlertDeliveryView.Of(delivery), message = JsonDocument.Parse(delivery.Message).RootElement })
                : Results.Problem($"there is no alert delivery {id}", statusCode: StatusCodes.Status404NotFound));

        deliveries.MapPost("/{id:guid}/retry", async (Guid id, IPortWardenStore store, AlertSignal signal, CancellationToken cancellationToken) =>
        {
            if (await store.GetAlertDeliveryAsync(id, cancellationToken).ConfigureAwait(false) is not { } delivery)
            {
                return Results.Problem($"there is no alert delivery {id}", statusCode: StatusCodes.Status404NotFound);
            }

            if (!await store.RetryAlertDeliveryAsync(id, time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
            {
                return Results.Problem($"alert delivery {id} is {delivery.Status.ToWireName()}: only dead or suppressed deliveries are retried", statusCode: StatusCodes.Status409Conflict);
            }

            signal.Raise();
            return Results.Accepted($"/api/v1/alert-deliveries/{id}");
        });
    }
}
