using System.CommandLine;
using PortWarden.Cli.Output;

namespace PortWarden.Cli.Commands;

/// <summary>`portwarden export`: events as CSV or JSON Lines, streamed from the store to a file or stdout.</summary>
internal static class ExportCommand
{
    public static Command Create(CliStreams streams, TimeProvider time)
    {
        var store = new StoreOption();
        var filters = new EventFilterOptions();
        var format = new Option<OutputFormat>("--format", "-f") { Description = "csv or jsonl.", DefaultValueFactory = _ => OutputFormat.Jsonl };
        var output = new Option<string?>("--output", "-o") { Description = "Write to this file (replaced only when the export succeeds).", HelpName = "file" };
        var command = new Command("export", "Export events as CSV or JSON Lines, streaming (the whole log is never loaded).");
        filters.AddTo(command);
        command.Options.Add(format);
        command.Options.Add(output);
        store.AddTo(command);
        format.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<OutputFormat>() is not (OutputFormat.Csv or OutputFormat.Jsonl))
            {
                result.AddError("--format for export is csv or jsonl.");
            }
        });
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync("export", streams, async () =>
        {
            var query = filters.Parse(parse, time.GetUtcNow());
            await using var db = await store.OpenExistingAsync(parse, cancellationToken).ConfigureAwait(false);
            query = await filters.WithDeviceAsync(query, parse, db, cancellationToken).ConfigureAwait(false);
            await using var sink = OutputSink.Open(parse.GetValue(output), streams.Out);
            var count = await EventOutputs.WriteAsync(db.QueryEventsAsync(query, cancellationToken), parse.GetValue(format), sink.Writer, false, cancellationToken)
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
