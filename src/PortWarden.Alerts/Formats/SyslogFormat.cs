using System.Globalization;
using PortWarden.Core.Alerts;
using PortWarden.Core.Ports;
using PortWarden.Core.Tracking;

namespace PortWarden.Alerts.Formats;

/// <summary>Events and alert messages as RFC 5424 syslog messages; the text after the structured data is plain text, CEF or LEEF.</summary>
public static class SyslogFormat
{
    public const string AppName = "portwarden";

    /// <summary>Facility local0, the default for application logs a SIEM collects.</summary>
    public const int DefaultFacility = 16;

    /// <summary>One event as a syslog line (for exports): warning for unplanned changes, notice for planned ones, info otherwise.</summary>
    public static SyslogMessage Event(TrackEvent e, string hostName, int facility = DefaultFacility, string format = "rfc5424")
    {
        ArgumentNullException.ThrowIfNull(e);
        var severity = e.Classification switch { Classification.Unplanned => 4, Classification.Planned => 5, _ => 6 };
        return new SyslogMessage(facility, severity, e.OccurredAt, hostName, AppName, null, e.Type.ToWireName(), Text(format, EventLine.Describe(e), () => CefFormat.Event(e), () => LeefFormat.Event(e)))
        {
            Parameters =
            [
                ("eventId", e.Id.ToString()),
                ("device", e.Device),
                ("host", e.Host),
                ("protocol", e.Protocol?.ToWireName()),
                ("port", e.Port?.ToString(CultureInfo.InvariantCulture)),
                ("state", e.NewState),
                ("service", e.Service),
                ("classification", e.Classification?.ToWireName()),
                ("reference", e.Reference),
                ("pollId", e.PollId.ToString()),
            ],
        };
    }

    /// <summary>An alert message as one syslog message in the channel's format (rfc5424 text, cef or leef).</summary>
    public static SyslogMessage Message(AlertMessage message, string hostName, int facility, string format, int? processId = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        var text = $"{message.Subject}: {string.Join("; ", message.Events.Select(EventLine.Describe))}{(message.Truncated ? $"; ... and {message.Total - message.Events.Count} more" : "")}";
        return new SyslogMessage(facility, message.Unplanned > 0 ? 4 : 5, message.CreatedAt, hostName, AppName, processId?.ToString(CultureInfo.InvariantCulture), "alert",
            Text(format, text, () => CefFormat.Message(message), () => LeefFormat.Message(message)))
        {
            Parameters =
            [
                ("rule", message.Rule),
                ("device", message.Device),
                ("pollId", message.PollId.ToString()),
                ("total", message.Total.ToString(CultureInfo.InvariantCulture)),
                ("unplanned", message.Unplanned.ToString(CultureInfo.InvariantCulture)),
                ("planned", message.Planned.ToString(CultureInfo.InvariantCulture)),
            ],
        };
    }

    private static string Text(string format, string text, Func<string> cef, Func<string> leef) => format switch
    {
        "cef" => cef(),
        "leef" => leef(),
        _ => text.Replace('\n', ' ').Replace('\r', ' '),
    };
}
