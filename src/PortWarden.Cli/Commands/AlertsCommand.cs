using System.CommandLine;
using System.Globalization;
using PortWarden.Alerts.Channels;
using PortWarden.Alerts.Dispatch;
using PortWarden.Cli.Output;
using PortWarden.Core.Alerts;
using PortWarden.Core.Tracking;
using Spectre.Console;

namespace PortWarden.Cli.Commands;

/// <summary>`portwarden alerts add|list|remove|test|deliveries|retry`: alert rules and the outbox of their messages.</summary>
internal static class AlertsCommand
{
    public static Command Create(CliStreams streams, TimeProvider time)
    {
        var command = new Command("alerts", "Manage alert rules (what raises an alert, quiet hours, channels) and see their deliveries.");
        command.Subcommands.Add(Add(streams, time));
        command.Subcommands.Add(List(streams));
        command.Subcommands.Add(Remove(streams));
        command.Subcommands.Add(Test(streams, time));
        command.Subcommands.Add(Deliveries(streams));
        command.Subcommands.Add(Retry(streams, time));
        return command;
    }

    private static Command Add(CliStreams streams, TimeProvider time)
    {
        var store = new StoreOption();
        var rule = new AlertRuleOptions();
        var file = new Option<FileInfo?>("--file") { Description = "Add the rules in this JSON file (one rule, an array, or {\"alertRules\": [...]}).", HelpName = "file" };
        var command = new Command("add", "Add an alert rule (from options, or several from a JSON file).");
        rule.AddTo(command);
        command.Options.Add(file);
        store.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync("alerts add", streams, async () =>
        {
            IReadOnlyList<AlertRule> rules = parse.GetValue(file) is { } path
                ? AlertRuleDocument.Parse(await ReadFileAsync(path.FullName, cancellationToken).ConfigureAwait(false), path.FullName)
                : [rule.Build(parse)];
            await using var db = await store.OpenAsync(parse, cancellationToken).ConfigureAwait(false);
            foreach (var existing in rules)
            {
                if (await db.FindAlertRuleAsync(existing.Name, cancellationToken).ConfigureAwait(false) is not null)
                {
                    throw new UsageException($"an alert rule named '{existing.Name}' exists already (see 'portwarden alerts list')");
                }
            }

            foreach (var each in rules)
            {
                var added = await db.AddAlertRuleAsync(each with { CreatedAt = time.GetUtcNow() }, cancellationToken).ConfigureAwait(false);
                await streams.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"Added alert rule {added.Id} '{added.Name}': {Describe(added.Match)} -> {string.Join(", ", added.Channels.Select(c => c.NameOrDefault))}.")).ConfigureAwait(false);
            }

            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    private static Command List(CliStreams streams)
    {
        var store = new StoreOption();
        var format = new Option<OutputFormat>("--format", "-f") { Description = "Output: table or json (secrets masked).", DefaultValueFactory = _ => OutputFormat.Table };
        var command = new Command("list", "List alert rules.");
        command.Options.Add(format);
        store.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync("alerts list", streams, async () =>
        {
            await using var db = await store.OpenForReadingAsync(parse, cancellationToken).ConfigureAwait(false);
            var rules = await db.ListAlertRulesAsync(cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(format) == OutputFormat.Json)
            {
                var masked = rules.Select(r => r with { Channels = r.Channels.Select(c => c.WithoutSecrets()).ToList() });
                await streams.Out.WriteLineAsync(System.Text.Json.JsonSerializer.Serialize(masked, AlertRuleDocument.Options).AsMemory(), cancellationToken).ConfigureAwait(false);
                return ExitCodes.Success;
            }

            var console = Consoles.For(streams.Out, streams.OutIsTerminal);
            if (rules.Count == 0)
            {
                console.WriteLine("No alert rules.");
                return ExitCodes.Success;
            }

            var table = new Table().Border(TableBorder.Simple).AddColumns("ID", "NAME", "MATCH", "QUIET HOURS", "CHANNELS");
            foreach (var r in rules)
            {
                table.AddRow(
                    r.Id.ToString(CultureInfo.InvariantCulture), Markup.Escape(r.Name + (r.Enabled ? "" : " (disabled)")), Markup.Escape(Describe(r.Match)),
                    Markup.Escape(r.QuietHours is { } q ? $"{q.Start}-{q.End} {q.TimeZone ?? "UTC"} ({q.Mode ?? "defer"})" : ""),
                    Markup.Escape(string.Join(", ", r.Channels.Select(c => $"{c.NameOrDefault} ({Target(c)})"))));
            }

            console.Write(table);
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    private static Command Remove(CliStreams streams)
    {
        var store = new StoreOption();
        var rule = new Argument<string>("rule") { Description = "The rule's id or name." };
        var command = new Command("remove", "Remove an alert rule (its queued deliveries end up dead).");
        command.Arguments.Add(rule);
        store.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync("alerts remove", streams, async () =>
        {
            await using var db = await store.OpenExistingAsync(parse, cancellationToken).ConfigureAwait(false);
            var found = await FindAsync(db, parse.GetValue(rule)!, cancellationToken).ConfigureAwait(false);
            await db.RemoveAlertRuleAsync(found.Id, cancellationToken).ConfigureAwait(false);
            await streams.Out.WriteLineAsync($"Removed alert rule {found.Id} '{found.Name}'.".AsMemory(), cancellationToken).ConfigureAwait(false);
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    private static Command Test(CliStreams streams, TimeProvider time)
    {
        var store = new StoreOption();
        var rule = new Argument<string>("rule") { Description = "The rule's id or name." };
        var command = new Command("test", "Send a test message to every channel of a rule now; exit 2 if any channel fails.");
        command.Arguments.Add(rule);
        store.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync("alerts test", streams, async () =>
        {
            await using var db = await store.OpenExistingAsync(parse, cancellationToken).ConfigureAwait(false);
            var found = await FindAsync(db, parse.GetValue(rule)!, cancellationToken).ConfigureAwait(false);
            using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
            var results = await new AlertTester(AlertSenders.Create(http, time), time).TestAsync(found, cancellationToken).ConfigureAwait(false);
            foreach (var result in results)
            {
                var line = result.Delivered ? $"{result.Channel} ({result.Type}): delivered" : $"{result.Channel} ({result.Type}): FAILED: {result.Error}";
                await streams.Out.WriteLineAsync(line.AsMemory(), cancellationToken).ConfigureAwait(false);
            }

            return results.All(r => r.Delivered) ? ExitCodes.Success : ExitCodes.Error;
        }, cancellationToken));
        return command;
    }

    private static Command Deliveries(CliStreams streams)
    {
        var store = new StoreOption();
        var status = new Option<string?>("--status") { Description = "Only pending, delivered, dead or suppressed deliveries.", HelpName = "status" };
        var limit = new Option<int>("--limit") { Description = "At most this many (newest first).", DefaultValueFactory = _ => 50, HelpName = "n" };
        var command = new Command("deliveries", "List alert deliveries (the outbox), newest first.");
        command.Options.Add(status);
        command.Options.Add(limit);
        store.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync("alerts deliveries", streams, async () =>
        {
            DeliveryStatus? wanted = null;
            if (parse.GetValue(status) is { } text)
            {
                wanted = DeliveryStatusNames.TryParse(text, out var parsed) ? parsed : throw new UsageException($"--status '{text}' is not pending, delivered, dead or suppressed");
            }

            await using var db = await store.OpenForReadingAsync(parse, cancellationToken).ConfigureAwait(false);
            var list = await db.ListAlertDeliveriesAsync(wanted, Math.Clamp(parse.GetValue(limit), 1, 10_000), cancellationToken).ConfigureAwait(false);
            var console = Consoles.For(streams.Out, streams.OutIsTerminal);
            if (list.Count == 0)
            {
                console.WriteLine("No alert deliveries.");
                return ExitCodes.Success;
            }

            var table = new Table().Border(TableBorder.Simple).AddColumns("ID", "CREATED", "RULE", "CHANNEL", "STATUS", "ATTEMPTS", "SUBJECT", "LAST ERROR");
            foreach (var d in list)
            {
                table.AddRow(
                    d.Id.ToString(), EventText.Time(d.CreatedAt), d.RuleId.ToString(CultureInfo.InvariantCulture), Markup.Escape(d.Channel), d.Status.ToWireName(),
                    d.Attempts.ToString(CultureInfo.InvariantCulture), Markup.Escape(AlertMessageJson.Parse(d.Message).Subject), Markup.Escape(d.LastError ?? ""));
            }

            console.Write(table);
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    private static Command Retry(CliStreams streams, TimeProvider time)
    {
        var store = new StoreOption();
        var id = new Argument<Guid>("id") { Description = "The delivery's id (see 'alerts deliveries --status dead')." };
        var command = new Command("retry", "Queue a dead (or suppressed) delivery again; the next track run or the hub sends it.");
        command.Arguments.Add(id);
        store.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync("alerts retry", streams, async () =>
        {
            await using var db = await store.OpenExistingAsync(parse, cancellationToken).ConfigureAwait(false);
            var deliveryId = parse.GetValue(id);
            if (!await db.RetryAlertDeliveryAsync(deliveryId, time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
            {
                throw new UsageException($"no dead or suppressed alert delivery {deliveryId} (see 'portwarden alerts deliveries --status dead')");
            }

            await streams.Out.WriteLineAsync($"Queued alert delivery {deliveryId} again.".AsMemory(), cancellationToken).ConfigureAwait(false);
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    private static async Task<AlertRule> FindAsync(IPortWardenStore db, string idOrName, CancellationToken cancellationToken)
    {
        var rule = long.TryParse(idOrName, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? await db.GetAlertRuleAsync(id, cancellationToken).ConfigureAwait(false)
            : await db.FindAlertRuleAsync(idOrName, cancellationToken).ConfigureAwait(false);
        return rule ?? throw new UsageException($"no alert rule '{idOrName}' (see 'portwarden alerts list')");
    }

    private static async Task<string> ReadFileAsync(string path, CancellationToken cancellationToken) =>
        File.Exists(path) ? await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false) : throw new UsageException($"no such file: {path}");

    private static string Describe(AlertMatch match)
    {
        var parts = new List<string> { match.Types is { Count: > 0 } types ? string.Join(",", types) : "every change" };
        parts.AddRange(new[] { match.Classification, match.Devices is { Count: > 0 } d ? $"devices {string.Join(",", d)}" : null, match.Hosts is { } h ? $"hosts {h}" : null, match.Ports is { } p ? $"ports {p}" : null }
            .OfType<string>());
        return string.Join("; ", parts);
    }

    private static string Target(AlertChannel channel) => channel.Type switch
    {
        AlertChannelTypes.Email => string.Join(",", channel.To ?? []),
        AlertChannelTypes.Syslog => $"{channel.SyslogTransport ?? "udp"}://{channel.SyslogHost}:{channel.SyslogPort} {channel.SyslogFormat ?? "rfc5424"}",
        _ => channel.Url is { } url && Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Host : "",
    };
}
