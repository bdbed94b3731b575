using System.CommandLine;
using PortWarden.Cli.Output;

namespace PortWarden.Cli.Commands;

/// <summary>`portwarden events`: the event history, filtered.</summary>
internal static class EventsCommand
{
    public static Command Create(CliStreams streams, TimeProvider time)
    {
        var store = new StoreOption();
        var filters = new EventFilterOptions();
        var format = new Option<OutputFormat>("--format", "-f") { Description = "Output: table, json, jsonl or csv.", DefaultValueFactory = _ => OutputFormat.Table };
        var limit = new Option<int?>("--limit") { Description = "At most this many events.", HelpName = "n" };
        var command = new Command("events", "Show recorded events: changes, baselines and completed polls.");
        filters.AddTo(command);
        command.Options.Add(format);
        command.Options.Add(limit);
        store.AddTo(command);
        limit.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is <= 0)
            {
                result.AddError("--limit must be a positive whole number.");
            }
        });
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync("events", streams, async () =>
        {
            var query = filters.Parse(parse, time.GetUtcNow()) with { Limit = parse.GetValue(limit) };
            await using var db = await store.OpenForReadingAsync(parse, cancellationToken).ConfigureAwait(false);
            query = await filters.WithDeviceAsync(query, parse, db, cancellationToken).ConfigureAwait(false);
            await EventOutputs.WriteAsync(db.QueryEventsAsync(query, cancellationToken), parse.GetValue(format), streams.Out, streams.OutIsTerminal, cancellationToken)
                .ConfigureAwait(false);
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }
}
