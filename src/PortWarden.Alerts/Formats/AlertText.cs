using System.Text;
using PortWarden.Core.Alerts;

namespace PortWarden.Alerts.Formats;

/// <summary>The plain-text body of an alert message (email text part, Slack and Teams text, syslog rfc5424 text).</summary>
public static class AlertText
{
    public static string Body(AlertMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var text = new StringBuilder();
        text.AppendLine(message.Subject);
        text.AppendLine();
        text.AppendLine($"Rule:    {message.Rule}");
        text.AppendLine($"Device:  {message.Device}");
        text.AppendLine($"Poll:    {message.PollId} ({EventLine.Time(message.PollStartedAt)} to {EventLine.Time(message.PollFinishedAt)})");
        text.AppendLine();
        foreach (var e in message.Events)
        {
            text.AppendLine(EventLine.Describe(e));
        }

        if (message.Truncated)
        {
            text.AppendLine($"... and {message.Total - message.Events.Count} more (see 'portwarden events' or the hub's /api/v1/events?device={message.DeviceId})");
        }

        return text.ToString();
    }

    /// <summary>A short text: the subject and up to <paramref name="lines"/> event lines (chat messages stay short).</summary>
    public static string Brief(AlertMessage message, int lines = 20)
    {
        ArgumentNullException.ThrowIfNull(message);
        var text = new StringBuilder(message.Subject);
        foreach (var e in message.Events.Take(lines))
        {
            text.Append('\n').Append(EventLine.Describe(e));
        }

        if (message.Total > Math.Min(lines, message.Events.Count))
        {
            text.Append('\n').Append($"... and {message.Total - Math.Min(lines, message.Events.Count)} more");
        }

        return text.ToString();
    }
}
