using PortWarden.Alerts.Formats;
using PortWarden.Core.Tracking;

namespace PortWarden.Alerts.Exports;

/// <summary>The streaming export formats of the event log: one line per event, written as events arrive.</summary>
public enum ExportFormat
{
    Csv,
    Jsonl,
    Cef,
    Leef,
    Syslog,

    /// <summary>One JSON array of events: the only format that is not one line per event.</summary>
    Json,
}

/// <summary>Writes a stream of events in an export format without holding the stream: CSV, JSON Lines, CEF, LEEF, RFC 5424 syslog lines or a JSON array.</summary>
public static class EventExport
{
    public static IReadOnlyList<string> Names { get; } = ["csv", "jsonl", "cef", "leef", "syslog", "json"];

    public static bool TryParse(string? text, out ExportFormat format)
    {
        var index = Names.ToList().IndexOf(text?.ToLowerInvariant() ?? "");
        format = index < 0 ? default : (ExportFormat)index;
        return index >= 0;
    }

    public static string ContentType(ExportFormat format) => format switch
    {
        ExportFormat.Csv => "text/csv; charset=utf-8",
        ExportFormat.Jsonl => "application/x-ndjson; charset=utf-8",
        ExportFormat.Json => "application/json; charset=utf-8",
        _ => "text/plain; charset=utf-8",
    };

    /// <summary>Writes every event as one line (CSV with a header line first; JSON as the elements of one array); returns how many events were written.</summary>
    public static async Task<long> WriteAsync(IAsyncEnumerable<TrackEvent> events, ExportFormat format, TextWriter writer, string hostName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Func<TrackEvent, string> line = format switch
        {
            ExportFormat.Csv => EventCsv.Row,
            ExportFormat.Jsonl or ExportFormat.Json => EventJson.Serialize,
            ExportFormat.Cef => CefFormat.Event,
            ExportFormat.Leef => LeefFormat.Event,
            _ => e => SyslogFormat.Event(e, hostName).ToString(),
        };
        if (format == ExportFormat.Csv)
        {
            await writer.WriteLineAsync(EventCsv.Header.AsMemory(), cancellationToken).ConfigureAwait(false);
        }

        else if (format == ExportFormat.Json)
        {
            await writer.WriteAsync("[".AsMemory(), cancellationToken).ConfigureAwait(false);
        }

        long count = 0;
        await foreach (var e in events.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (format == ExportFormat.Json)
            {
                await writer.WriteAsync((count == 0 ? "\n" : ",\n").AsMemory(), cancellationToken).ConfigureAwait(false);
                await writer.WriteAsync(line(e).AsMemory(), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await writer.WriteLineAsync(line(e).AsMemory(), cancellationToken).ConfigureAwait(false);
            }

            count++;
        }

        if (format == ExportFormat.Json)
        {
            await writer.WriteAsync("\n]\n".AsMemory(), cancellationToken).ConfigureAwait(false);
        }

        return count;
    }
}
