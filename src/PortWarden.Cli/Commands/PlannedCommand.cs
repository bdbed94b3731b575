using System.CommandLine;
using System.Globalization;
using PortWarden.Cli.Output;
using PortWarden.Core.Tracking;
using Spectre.Console;

namespace PortWarden.Cli.Commands;

/// <summary>`portwarden planned add|list|remove`: approved change windows that make matching changes planned.</summary>
internal static class PlannedCommand
{
    public static Command Create(CliStreams streams, TimeProvider time)
    {
        var command = new Command("planned", "Manage planned-change windows: changes inside one are reported as planned.");
        command.Subcommands.Add(Add(streams, time));
        command.Subcommands.Add(List(streams));
        command.Subcommands.Add(Remove(streams));
        return command;
    }

    private static Command Add(CliStreams streams, TimeProvider time)
    {
        var store = new StoreOption();
        var device = new Option<string?>("--device") { Description = "The device the window is for.", HelpName = "name" };
        var allDevices = new Option<bool>("--all-devices") { Description = "The window applies to every device." };
        var targets = new Option<string?>("--targets") { Description = "Only these hosts (addresses, ranges, CIDR).", HelpName = "spec" };
        var ports = new Option<string?>("--ports", "-p") { Description = "Only these ports (nmap syntax, T:/U: prefixes). Default: all.", HelpName = "spec" };
        var excludePorts = new Option<string?>("--exclude-ports") { Description = "Ports the window does not cover.", HelpName = "spec" };
        var from = new Option<string>("--from") { Description = "Start (ISO 8601, now, +1h, ...).", Required = true, HelpName = "time" };
        var to = new Option<string>("--to") { Description = "End (ISO 8601, +2h, ...).", Required = true, HelpName = "time" };
        var reference = new Option<string?>("--ref") { Description = "Change reference, e.g. a ticket id (CHG-123).", HelpName = "reference" };
        var description = new Option<string?>("--description") { Description = "What the change is.", HelpName = "text" };
        var command = new Command("add", "Add a change window.");
        foreach (var option in new Option[] { device, allDevices, targets, ports, excludePorts, from, to, reference, description })
        {
            command.Options.Add(option);
        }

        store.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync("planned add", streams, async () =>
        {
            var deviceName = parse.GetValue(device);
            if ((deviceName is null) == !parse.GetValue(allDevices))
            {
                throw new UsageException("give either --device NAME or --all-devices");
            }

            var now = time.GetUtcNow();
            var start = TimeExpression.Parse(parse.GetValue(from)!, now, "--from");
            var end = TimeExpression.Parse(parse.GetValue(to)!, now, "--to");
            ChangeWindow.Validate(parse.GetValue(targets), parse.GetValue(ports), parse.GetValue(excludePorts), start, end);

            await using var db = deviceName is null
                ? await store.OpenAsync(parse, cancellationToken).ConfigureAwait(false)
                : await store.OpenExistingAsync(parse, cancellationToken).ConfigureAwait(false);
            long? deviceId = deviceName is null ? null : (await StoreOption.FindDeviceAsync(db, deviceName, cancellationToken).ConfigureAwait(false)).Id;
            var window = await db.AddChangeWindowAsync(
                new ChangeWindow(0, deviceId, parse.GetValue(targets), parse.GetValue(ports), parse.GetValue(excludePorts), start, end,
                    parse.GetValue(reference), parse.GetValue(description))
                { CreatedAt = now },
                cancellationToken).ConfigureAwait(false);
            await streams.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Added change window {window.Id} for {deviceName ?? "all devices"}: {EventText.Time(start)} to {EventText.Time(end)}{(window.Reference is null ? "" : $" ({window.Reference})")}.")).ConfigureAwait(false);
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    private static Command List(CliStreams streams)
    {
        var store = new StoreOption();
        var device = new Option<string?>("--device") { Description = "Only windows for this device (and those for all devices).", HelpName = "name" };
        var format = new Option<OutputFormat>("--format", "-f") { Description = "Output: table or json.", DefaultValueFactory = _ => OutputFormat.Table };
        var command = new Command("list", "List change windows.");
        command.Options.Add(device);
        command.Options.Add(format);
        store.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync("planned list", streams, async () =>
        {
            await using var db = await store.OpenForReadingAsync(parse, cancellationToken).ConfigureAwait(false);
            long? deviceId = parse.GetValue(device) is { } name ? (await StoreOption.FindDeviceAsync(db, name, cancellationToken).ConfigureAwait(false)).Id : null;
            var windows = await db.ListChangeWindowsAsync(deviceId, cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(format) == OutputFormat.Json)
            {
                await streams.Out.WriteLineAsync(ScanJson.Serialize(json =>
                {
                    json.WriteStartArray();
                    foreach (var window in windows)
                    {
                        json.WriteStartObject();
                        json.WriteNumber("id", window.Id);
                        json.WriteString("device", window.DeviceName);
                        json.WriteString("targets", window.Targets);
                        json.WriteString("ports", window.Ports);
                        json.WriteString("excludePorts", window.ExcludePorts);
                        json.WriteString("from", window.From);
                        json.WriteString("to", window.To);
                        json.WriteString("reference", window.Reference);
                        json.WriteString("description", window.Description);
                        json.WriteEndObject();
                    }

                    json.WriteEndArray();
                }).AsMemory(), cancellationToken).ConfigureAwait(false);
                return ExitCodes.Success;
            }

            var console = Consoles.For(streams.Out, streams.OutIsTerminal);
            if (windows.Count == 0)
            {
                console.WriteLine("No change windows.");
                return ExitCodes.Success;
            }

            var table = new Table().Border(TableBorder.Simple).AddColumns("ID", "DEVICE", "TARGETS", "PORTS", "FROM", "TO", "REFERENCE", "DESCRIPTION");
            foreach (var window in windows)
            {
                table.AddRow(
                    window.Id.ToString(CultureInfo.InvariantCulture), Markup.Escape(window.DeviceName ?? "(all)"), Markup.Escape(window.Targets ?? "(all)"),
                    Markup.Escape(window.Ports ?? "(all)"), EventText.Time(window.From), EventText.Time(window.To),
                    Markup.Escape(window.Reference ?? ""), Markup.Escape(window.Description ?? ""));
            }

            console.Write(table);
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    private static Command Remove(CliStreams streams)
    {
        var store = new StoreOption();
        var id = new Argument<long>("id") { Description = "The window's id (see 'planned list')." };
        var command = new Command("remove", "Withdraw a change window (events it already classified keep their stamp).");
        command.Arguments.Add(id);
        store.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync("planned remove", streams, async () =>
        {
            await using var db = await store.OpenExistingAsync(parse, cancellationToken).ConfigureAwait(false);
            var windowId = parse.GetValue(id);
            if (!await db.RemoveChangeWindowAsync(windowId, cancellationToken).ConfigureAwait(false))
            {
                throw new UsageException($"no change window {windowId} (see 'portwarden planned list')");
            }

            await streams.Out.WriteLineAsync($"Removed change window {windowId}.".AsMemory(), cancellationToken).ConfigureAwait(false);
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }
}
