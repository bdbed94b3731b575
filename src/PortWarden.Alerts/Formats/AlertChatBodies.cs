using System.Text.Json;
using PortWarden.Core.Alerts;
using PortWarden.Core.Tracking;

namespace PortWarden.Alerts.Formats;

/// <summary>Bodies for chat webhooks: Slack incoming webhooks and Microsoft Teams (workflow webhooks, Adaptive Card).</summary>
public static class AlertChatBodies
{
    /// <summary>Slack: "text" (shown in notifications) plus a header block and the event lines in a section.</summary>
    public static string Slack(AlertMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return PollPayloads.Write(json =>
        {
            json.WriteStartObject();
            json.WriteString("text", AlertText.Brief(message));
            json.WriteStartArray("blocks");
            json.WriteStartObject();
            json.WriteString("type", "header");
            WriteText(json, "plain_text", Cut(message.Subject, 150));
            json.WriteEndObject();
            json.WriteStartObject();
            json.WriteString("type", "section");
            WriteText(json, "mrkdwn", Cut("```" + string.Join('\n', message.Events.Take(20).Select(EventLine.Describe)) + (message.Total > 20 ? $"\n... and {message.Total - 20} more" : "") + "```", 3000));
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        });
    }

    /// <summary>Teams: a message with one Adaptive Card (title, facts, and the event lines).</summary>
    public static string Teams(AlertMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return PollPayloads.Write(json =>
        {
            json.WriteStartObject();
            json.WriteString("type", "message");
            json.WriteStartArray("attachments");
            json.WriteStartObject();
            json.WriteString("contentType", "application/vnd.microsoft.card.adaptive");
            json.WriteStartObject("content");
            json.WriteString("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
            json.WriteString("type", "AdaptiveCard");
            json.WriteString("version", "1.4");
            json.WriteStartArray("body");
            json.WriteStartObject();
            json.WriteString("type", "TextBlock");
            json.WriteString("text", message.Subject);
            json.WriteString("weight", "Bolder");
            json.WriteBoolean("wrap", true);
            json.WriteEndObject();
            json.WriteStartObject();
            json.WriteString("type", "FactSet");
            json.WriteStartArray("facts");
            foreach (var (title, value) in new[] { ("Rule", message.Rule), ("Device", message.Device), ("Unplanned", message.Unplanned.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("Planned", message.Planned.ToString(System.Globalization.CultureInfo.InvariantCulture)) })
            {
                json.WriteStartObject();
                json.WriteString("title", title);
                json.WriteString("value", value);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            foreach (var e in message.Events.Take(20))
            {
                json.WriteStartObject();
                json.WriteString("type", "TextBlock");
                json.WriteString("text", EventLine.Describe(e));
                json.WriteString("fontType", "Monospace");
                json.WriteBoolean("wrap", true);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        });
    }

    private static void WriteText(Utf8JsonWriter json, string type, string text)
    {
        json.WriteStartObject("text");
        json.WriteString("type", type);
        json.WriteString("text", text);
        json.WriteEndObject();
    }

    private static string Cut(string text, int limit) => text.Length <= limit ? text : text[..(limit - 1)] + "…";
}
