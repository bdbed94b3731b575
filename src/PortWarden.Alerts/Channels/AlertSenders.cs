using PortWarden.Core.Alerts;

namespace PortWarden.Alerts.Channels;

/// <summary>The sender of each channel type.</summary>
public sealed class AlertSenders
{
    private readonly Dictionary<string, IAlertChannelSender> senders;

    public AlertSenders(IEnumerable<IAlertChannelSender> senders)
    {
        this.senders = senders.ToDictionary(sender => sender.Type, StringComparer.Ordinal);
    }

    /// <summary>Every built-in channel: webhook, slack, teams (over <paramref name="http"/>), email and syslog.</summary>
    public static AlertSenders Create(HttpClient http, TimeProvider time) =>
        new([new WebhookSender(http, time), new SlackSender(http), new TeamsSender(http), new EmailSender(), new SyslogSender()]);

    public IAlertChannelSender For(AlertChannel channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        return senders.TryGetValue(channel.Type, out var sender) ? sender : throw new AlertSendException($"unknown channel type '{channel.Type}'");
    }
}
