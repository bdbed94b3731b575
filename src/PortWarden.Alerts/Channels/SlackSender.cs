using PortWarden.Alerts.Formats;
using PortWarden.Core.Alerts;

namespace PortWarden.Alerts.Channels;

/// <summary>A Slack incoming webhook (or anything that takes Slack's body: Mattermost, Rocket.Chat).</summary>
public sealed class SlackSender(HttpClient http) : IAlertChannelSender
{
    public string Type => AlertChannelTypes.Slack;

    public Task SendAsync(AlertChannel channel, AlertMessage message, Guid deliveryId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        return JsonPoster.PostAsync(http, channel.Url!, JsonPoster.Utf8(AlertChatBodies.Slack(message)), [], cancellationToken);
    }
}
