namespace PortWarden.Core.Alerts;

/// <summary>The channel types a rule can send to.</summary>
public static class AlertChannelTypes
{
    public const string Webhook = "webhook";
    public const string Slack = "slack";
    public const string Teams = "teams";
    public const string Email = "email";
    public const string Syslog = "syslog";

    public static IReadOnlyList<string> All { get; } = [Webhook, Slack, Teams, Email, Syslog];
}
