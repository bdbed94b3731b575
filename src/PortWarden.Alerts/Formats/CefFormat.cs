using System.Buffers;
using System.Globalization;
using System.Text;
using PortWarden.Core.Alerts;
using PortWarden.Core.Ports;
using PortWarden.Core.Tracking;

namespace PortWarden.Alerts.Formats;

/// <summary>
/// ArcSight Common Event Format: "CEF:0|Vendor|Product|Version|SignatureID|Name|Severity|key=value ...". In the header,
/// backslash and pipe are escaped with a backslash (a line break cannot appear there and becomes a space); in extension
/// values, backslash and equals sign are escaped and line breaks written as \n and \r.
/// </summary>
public static class CefFormat
{
    private static readonly SearchValues<char> HeaderSpecials = SearchValues.Create("\\|\r\n");
    private static readonly SearchValues<char> ValueSpecials = SearchValues.Create("\\=\r\n");

    // The same for every record, so built once (exports write millions); after the search values it uses.
    private static readonly string HeaderPrefix =
        $"CEF:0|{EscapeHeader(Product.Vendor)}|{EscapeHeader(Product.Name)}|{EscapeHeader(Product.Version)}|";

    /// <summary>One event as one CEF record.</summary>
    public static string Event(TrackEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var extension = new List<(string, string?)>
        {
            ("rt", e.OccurredAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)),
            ("externalId", e.Id.ToString()),
            ("dst", e.Host),
            ("dhost", e.HostName),
            ("dpt", e.Port?.ToString(CultureInfo.InvariantCulture)),
            ("proto", e.Protocol?.ToWireName().ToUpperInvariant()),
            ("act", e.Type.ToWireName()),
            ("outcome", e.NewState),
            ("app", e.Service),
            ("cs1Label", "device"),
            ("cs1", e.Device),
            ("cs2Label", "classification"),
            ("cs2", e.Classification?.ToWireName()),
            ("cs3Label", "changeReference"),
            ("cs3", e.Reference),
            ("cs4Label", "pollId"),
            ("cs4", e.PollId.ToString()),
            ("cs5Label", "previous"),
            ("cs5", e.Type == EventType.ServiceChanged ? EventLine.Service(e.OldService, e.OldDetail, e.OldProcess) : e.OldState),
            ("cs6Label", "process"),
            ("cs6", e.Process?.Name),
            ("msg", EventLine.Describe(e)),
        };
        return Record(e.Type.ToWireName(), Title(e.Type), Severity(e), extension);
    }

    /// <summary>An alert message as one CEF record: counts, the rule, and the event lines in msg.</summary>
    public static string Message(AlertMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var extension = new List<(string, string?)>
        {
            ("rt", message.CreatedAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)),
            ("externalId", message.PollId.ToString()),
            ("cnt", message.Total.ToString(CultureInfo.InvariantCulture)),
            ("cs1Label", "device"),
            ("cs1", message.Device),
            ("cs2Label", "rule"),
            ("cs2", message.Rule),
            ("cn1Label", "unplanned"),
            ("cn1", message.Unplanned.ToString(CultureInfo.InvariantCulture)),
            ("cn2Label", "planned"),
            ("cn2", message.Planned.ToString(CultureInfo.InvariantCulture)),
            ("msg", string.Join('\n', message.Events.Select(EventLine.Describe))),
        };
        return Record("alert", message.Subject, message.Unplanned > 0 ? 7 : 3, extension);
    }

    /// <summary>Escapes a header field: backslash and pipe; line breaks, which a header cannot hold, become spaces.</summary>
    public static string EscapeHeader(string? value)
    {
        // Most values need no escaping: hand them back without copying (exports write millions).
        if (string.IsNullOrEmpty(value) || value.AsSpan().IndexOfAny(HeaderSpecials) < 0)
        {
            return value ?? "";
        }

        var text = new StringBuilder();
        foreach (var c in value ?? "")
        {
            _ = c switch
            {
                '\\' => text.Append(@"\\"),
                '|' => text.Append(@"\|"),
                '\r' or '\n' => text.Append(' '),
                _ => text.Append(c),
            };
        }

        return text.ToString();
    }

    /// <summary>Escapes an extension value: backslash and equals sign; line breaks as \n and \r.</summary>
    public static string EscapeValue(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.AsSpan().IndexOfAny(ValueSpecials) < 0)
        {
            return value ?? "";
        }

        var text = new StringBuilder();
        foreach (var c in value ?? "")
        {
            _ = c switch
            {
                '\\' => text.Append(@"\\"),
                '=' => text.Append(@"\="),
                '\n' => text.Append(@"\n"),
                '\r' => text.Append(@"\r"),
                _ => text.Append(c),
            };
        }

        return text.ToString();
    }

    /// <summary>0-10: unplanned changes rank high, planned ones low, bookkeeping lowest.</summary>
    public static int Severity(TrackEvent e) => e.Classification switch
    {
        Classification.Unplanned => e.Type is EventType.PortOpened or EventType.ServiceChanged ? 7 : 5,
        Classification.Planned => 3,
        _ => e.Type == EventType.PollCompleted && e.Payload?.Contains("\"error\":\"", StringComparison.Ordinal) == true ? 5 : 1,
    };

    internal static string Title(EventType type) => type switch
    {
        EventType.PortOpened => "Port opened",
        EventType.PortClosed => "Port closed",
        EventType.ServiceChanged => "Service changed",
        EventType.HostUp => "Host up",
        EventType.HostDown => "Host down",
        EventType.PollCompleted => "Poll completed",
        _ => "Baseline",
    };

    private static string Record(string signature, string name, int severity, List<(string Key, string? Value)> extension)
    {
        var text = new StringBuilder(HeaderPrefix, 512)
            .Append(EscapeHeader(signature)).Append('|').Append(EscapeHeader(name)).Append('|')
            .Append(severity.ToString(CultureInfo.InvariantCulture)).Append('|');
        var first = true;
        foreach (var (key, value) in extension)
        {
            // A custom field's label only when the field itself is there.
            if (string.IsNullOrEmpty(value) || (key.EndsWith("Label", StringComparison.Ordinal) && !Present(extension, key[..^"Label".Length])))
            {
                continue;
            }

            text.Append(first ? "" : " ").Append(key).Append('=').Append(EscapeValue(value));
            first = false;
        }

        return text.ToString();
    }

    private static bool Present(List<(string Key, string? Value)> extension, string key) =>
        extension.Exists(pair => pair.Key == key && !string.IsNullOrEmpty(pair.Value));
}
