using PortWarden.Alerts.Formats;
using PortWarden.Core.Alerts;

namespace PortWarden.Alerts.Channels;

/// <summary>A Microsoft Teams webhook (a Workflows "post to a channel when a webhook request is received" URL): an Adaptive Card.</summary>
public sealed class TeamsSender(HttpClient http) : IAlertChannelSender
{
    public string Type => AlertChannelTypes.Teams;

    public Task SendAsync(AlertChannel channel, AlertMessage message, Guid deliveryId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        return JsonPoster.PostAsync(http, channel.Url!, JsonPoster.Utf8(AlertChatBodies.Teams(message)), [], cancellationToken);
    }
}
