using PortWarden.Core.Alerts;

namespace PortWarden.Alerts.Channels;

/// <summary>A generic webhook: the message as JSON (<see cref="AlertMessageJson"/>), signed when the channel has a secret.</summary>
public sealed class WebhookSender(HttpClient http, TimeProvider time) : IAlertChannelSender
{
    public string Type => AlertChannelTypes.Webhook;

    public Task SendAsync(AlertChannel channel, AlertMessage message, Guid deliveryId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        var body = JsonPoster.Utf8(AlertMessageJson.Serialize(message));
        var headers = new List<(string, string)> { (WebhookSignature.DeliveryHeader, deliveryId.ToString()) };
        if (channel.Secret is { Length: > 0 } secret)
        {
            var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
            headers.Add((WebhookSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            headers.Add((WebhookSignature.SignatureHeader, WebhookSignature.Sign(secret, timestamp, body)));
        }

        return JsonPoster.PostAsync(http, channel.Url!, body, headers, cancellationToken);
    }
}
