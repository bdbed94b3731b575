using System.Globalization;
using System.Text;
using PortWarden.Core.Alerts;
using PortWarden.Core.Ports;
using PortWarden.Core.Tracking;

namespace PortWarden.Alerts.Formats;

/// <summary>
/// IBM QRadar Log Event Extended Format 2.0 with tab-separated attributes ("LEEF:2.0|Vendor|Product|Version|EventID|x09|k=v\tk=v").
/// Header fields escape backslash and pipe with a backslash. LEEF has no escape for attribute values: an equals sign, pipe or
/// backslash is kept as it is (a value runs from the first '=' to the next tab), and the characters that would end the
/// attribute or the record — tab, carriage return and line feed — become spaces.
/// </summary>
public static class LeefFormat
{
    public static string Event(TrackEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return Record(e.Type.ToWireName(), new List<(string, string?)>
        {
            ("devTime", e.OccurredAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)),
            ("sev", CefFormat.Severity(e).ToString(CultureInfo.InvariantCulture)),
            ("cat", e.Type.ToWireName()),
            ("dst", e.Host),
            ("dstPort", e.Port?.ToString(CultureInfo.InvariantCulture)),
            ("proto", e.Protocol?.ToWireName().ToUpperInvariant()),
            ("device", e.Device),
            ("hostname", e.HostName),
            ("state", e.NewState),
            ("service", e.Service),
            ("classification", e.Classification?.ToWireName()),
            ("changeReference", e.Reference),
            ("pollId", e.PollId.ToString()),
            ("eventId", e.Id.ToString()),
            ("msg", EventLine.Describe(e)),
        });
    }

    public static string Message(AlertMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return Record("alert", new List<(string, string?)>
        {
            ("devTime", message.CreatedAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)),
            ("sev", (message.Unplanned > 0 ? 7 : 3).ToString(CultureInfo.InvariantCulture)),
            ("cat", "alert"),
            ("device", message.Device),
            ("rule", message.Rule),
            ("pollId", message.PollId.ToString()),
            ("total", message.Total.ToString(CultureInfo.InvariantCulture)),
            ("unplanned", message.Unplanned.ToString(CultureInfo.InvariantCulture)),
            ("planned", message.Planned.ToString(CultureInfo.InvariantCulture)),
            ("msg", message.Subject + "; " + string.Join("; ", message.Events.Select(EventLine.Describe))),
        });
    }

    public static string EscapeHeader(string? value) => CefFormat.EscapeHeader(value);

    public static string CleanValue(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.AsSpan().IndexOfAny('\t', '\r', '\n') < 0)
        {
            return value ?? "";
        }

        var text = new StringBuilder();
        foreach (var c in value ?? "")
        {
            text.Append(c is '\t' or '\r' or '\n' ? ' ' : c);
        }

        return text.ToString();
    }

    private static string Record(string eventId, IEnumerable<(string Key, string? Value)> attributes)
    {
        var header = string.Join('|', "LEEF:2.0", EscapeHeader(Product.Vendor), EscapeHeader(Product.Name), EscapeHeader(Product.Version), EscapeHeader(eventId), "x09");
        var pairs = attributes.Where(pair => !string.IsNullOrEmpty(pair.Value)).Select(pair => $"{pair.Key}={CleanValue(pair.Value)}");
        return $"{header}|{string.Join('\t', pairs)}";
    }
}
