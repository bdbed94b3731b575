using System.Net;
using System.Text;
using PortWarden.Core.Alerts;
using PortWarden.Core.Tracking;

namespace PortWarden.Alerts.Formats;

/// <summary>The HTML body of an alert email: a summary and a table of the events, styles inline (mail clients drop style sheets).</summary>
public static class AlertHtml
{
    public static string Body(AlertMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        static string E(string? text) => WebUtility.HtmlEncode(text ?? "");
        const string Cell = "style=\"border:1px solid #ccc;padding:4px 8px;text-align:left\"";
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"/><title>").Append(E(message.Subject)).Append("</title></head>");
        html.Append("<body style=\"font-family:sans-serif;font-size:14px\">");
        html.Append("<h2 style=\"font-size:16px\">").Append(E(message.Subject)).Append("</h2>");
        html.Append("<p>Rule <b>").Append(E(message.Rule)).Append("</b>, device <b>").Append(E(message.Device)).Append("</b>, poll ")
            .Append(E(message.PollId.ToString())).Append(" (").Append(E(EventLine.Time(message.PollStartedAt))).Append(").</p>");
        html.Append("<table style=\"border-collapse:collapse\"><thead><tr>");
        foreach (var header in new[] { "Time", "Event", "Host", "Port", "Service", "Change", "Classification" })
        {
            html.Append("<th ").Append(Cell).Append('>').Append(header).Append("</th>");
        }

        html.Append("</tr></thead><tbody>");
        foreach (var e in message.Events)
        {
            html.Append("<tr>");
            foreach (var value in new[] { EventLine.Time(e.OccurredAt), e.Type.ToWireName(), e.Host, EventLine.Port(e), e.Service, EventLine.Change(e), EventLine.Classification(e) })
            {
                html.Append("<td ").Append(Cell).Append('>').Append(E(value)).Append("</td>");
            }

            html.Append("</tr>");
        }

        html.Append("</tbody></table>");
        if (message.Truncated)
        {
            html.Append("<p>... and ").Append(message.Total - message.Events.Count).Append(" more.</p>");
        }

        html.Append("</body></html>");
        return html.ToString();
    }
}
