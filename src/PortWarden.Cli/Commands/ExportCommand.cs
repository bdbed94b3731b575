using System.CommandLine;
using PortWarden.Alerts.Exports;
using PortWarden.Cli.Output;

namespace PortWarden.Cli.Commands;

/// <summary>`portwarden export`: events as CSV or JSON Lines, streamed from the store to a file or stdout.</summary>
internal static class ExportCommand
{
    public static Command Create(CliStreams streams, TimeProvider time)
    {
        var store = new StoreOption();
        var filters = new EventFilterOptions();
        var format = new Option<string>("--format", "-f")
        {
            Description = "csv, jsonl, json (one array), cef (ArcSight), leef (QRadar) or syslog (RFC 5424 lines).",
            DefaultValueFactory = _ => "jsonl",
            HelpName = "format",
        };
        var output = new Option<string?>("--output", "-o") { Description = "Write to this file (replaced only when the export succeeds).", HelpName = "file" };
        var command = new Command("export", "Export events as CSV, JSON Lines, JSON, CEF, LEEF or syslog lines, streaming (the whole log is never loaded).");
        filters.AddTo(command);
        command.Options.Add(format);
        command.Options.Add(output);
        store.AddTo(command);
        format.Validators.Add(result =>
        {
            if (!EventExport.TryParse(result.GetValueOrDefault<string>(), out _))
            {
                result.AddError($"--format for export is {string.Join(", ", EventExport.Names)}.");
            }
        });
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync("export", streams, async () =>
        {
            var query = filters.Parse(parse, time.GetUtcNow());
            await using var db = await store.OpenForReadingAsync(parse, cancellationToken).ConfigureAwait(false);
            query = await filters.WithDeviceAsync(query, parse, db, cancellationToken).ConfigureAwait(false);
            await using var sink = OutputSink.Open(parse.GetValue(output), streams.Out);
            var exportFormat = EventExport.TryParse(parse.GetValue(format), out var parsed) ? parsed : ExportFormat.Jsonl;
            var count = await EventExport.WriteAsync(db.QueryEventsAsync(query, cancellationToken), exportFormat, sink.Writer, Environment.MachineName, cancellationToken)
                .ConfigureAwait(false);
            await sink.CommitAsync().ConfigureAwait(false);
            if (sink.IsFile)
            {
                await streams.Error.WriteLineAsync($"exported {count} event(s) to {parse.GetValue(output)}").ConfigureAwait(false);
            }

            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }
}
