using System.Globalization;
using PortWarden.Core.Ports;
using PortWarden.Core.Tracking;
using Spectre.Console;

namespace PortWarden.Cli.Output;

/// <summary>Writes a stream of events as a table, one JSON document, JSON Lines or CSV; the streaming formats never hold the whole stream.</summary>
internal static class EventOutputs
{
    public static async Task<long> WriteAsync(IAsyncEnumerable<TrackEvent> events, OutputFormat format, TextWriter writer, bool terminal, CancellationToken cancellationToken)
    {
        return format switch
        {
            OutputFormat.Table => await TableAsync(events, writer, terminal, cancellationToken).ConfigureAwait(false),
            OutputFormat.Json => await JsonAsync(events, writer, cancellationToken).ConfigureAwait(false),
            OutputFormat.Jsonl => await LinesAsync(events, writer, EventJson.Serialize, null, cancellationToken).ConfigureAwait(false),
            _ => await LinesAsync(events, writer, CsvRow, CsvHeader, cancellationToken).ConfigureAwait(false),
        };
    }

    public const string CsvHeader = Alerts.Exports.EventCsv.Header;

    public static string CsvRow(TrackEvent e) => Alerts.Exports.EventCsv.Row(e);

    private static async Task<long> LinesAsync(
        IAsyncEnumerable<TrackEvent> events, TextWriter writer, Func<TrackEvent, string> line, string? header, CancellationToken cancellationToken)
    {
        if (header is not null)
        {
            await writer.WriteLineAsync(header.AsMemory(), cancellationToken).ConfigureAwait(false);
        }

        long count = 0;
        await foreach (var e in events.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            await writer.WriteLineAsync(line(e).AsMemory(), cancellationToken).ConfigureAwait(false);
            count++;
        }

        return count;
    }

    private static async Task<long> JsonAsync(IAsyncEnumerable<TrackEvent> events, TextWriter writer, CancellationToken cancellationToken)
    {
        await writer.WriteAsync("[".AsMemory(), cancellationToken).ConfigureAwait(false);
        long count = 0;
        await foreach (var e in events.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            await writer.WriteAsync($"{(count == 0 ? "" : ",")}\n{EventJson.Serialize(e)}".AsMemory(), cancellationToken).ConfigureAwait(false);
            count++;
        }

        await writer.WriteLineAsync("\n]".AsMemory(), cancellationToken).ConfigureAwait(false);
        return count;
    }

    private static async Task<long> TableAsync(IAsyncEnumerable<TrackEvent> events, TextWriter writer, bool terminal, CancellationToken cancellationToken)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumns("SEQ", "TIME", "DEVICE", "EVENT", "HOST", "PORT", "CHANGE", "CLASS");
        long count = 0;
        await foreach (var e in events.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            table.AddRow(
                e.Sequence.ToString(CultureInfo.InvariantCulture), EventText.Time(e.OccurredAt), Markup.Escape(e.Device), e.Type.ToWireName(),
                Markup.Escape(e.Host ?? ""), EventText.Port(e), Markup.Escape(EventText.Change(e)), Markup.Escape(EventText.Classification(e)));
            count++;
        }

        var console = Consoles.For(writer, terminal);
        if (count == 0)
        {
            console.WriteLine("No events.");
        }
        else
        {
            console.Write(table);
        }

        return count;
    }
}
