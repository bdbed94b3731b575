using System.CommandLine;
using System.Globalization;
using PortWarden.Cli.Output;
using PortWarden.Core.Tracking;
using Spectre.Console;

namespace PortWarden.Cli.Commands;

/// <summary>`portwarden devices`: every tracked device with its hosts up, open ports and last poll.</summary>
internal static class DevicesCommand
{
    public static Command Create(CliStreams streams)
    {
        var store = new StoreOption();
        var format = new Option<OutputFormat>("--format", "-f") { Description = "Output: table or json.", DefaultValueFactory = _ => OutputFormat.Table };
        var command = new Command("devices", "List tracked devices with their hosts up, open ports and last poll.");
        command.Options.Add(format);
        store.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync("devices", streams, async () =>
        {
            await using var db = await store.OpenForReadingAsync(parse, cancellationToken).ConfigureAwait(false);
            var devices = await db.ListDevicesAsync(cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(format) == OutputFormat.Json)
            {
                await streams.Out.WriteLineAsync(ScanJson.Serialize(json =>
                {
                    json.WriteStartArray();
                    foreach (var summary in devices)
                    {
                        json.WriteStartObject();
                        json.WriteString("name", summary.Device.Name);
                        json.WriteString("kind", summary.Device.Kind.ToWireName());
                        json.WriteString("targets", summary.Device.Targets);
                        json.WriteNumber("hostsUp", summary.HostsUp);
                        json.WriteNumber("openPorts", summary.OpenPorts);
                        json.WriteNumber("polls", summary.Polls);
                        if (summary.LastPoll is { } last)
                        {
                            json.WriteString("lastPollAt", last.StartedAt);
                            json.WriteNumber("lastPollDurationMs", (long)last.Duration.TotalMilliseconds);
                            json.WriteString("lastPollError", last.Error);
                        }
                        else
                        {
                            json.WriteNull("lastPollAt");
                        }

                        json.WriteEndObject();
                    }

                    json.WriteEndArray();
                }).AsMemory(), cancellationToken).ConfigureAwait(false);
                return ExitCodes.Success;
            }

            var console = Consoles.For(streams.Out, streams.OutIsTerminal);
            if (devices.Count == 0)
            {
                console.WriteLine("No devices yet: run 'portwarden track TARGETS'.");
                return ExitCodes.Success;
            }

            var table = new Table().Border(TableBorder.Simple).AddColumns("DEVICE", "KIND", "TARGETS", "HOSTS UP", "OPEN PORTS", "POLLS", "LAST POLL", "DURATION");
            foreach (var summary in devices)
            {
                table.AddRow(
                    Markup.Escape(summary.Device.Name), summary.Device.Kind.ToWireName(), Markup.Escape(summary.Device.Targets),
                    summary.HostsUp.ToString(CultureInfo.InvariantCulture), summary.OpenPorts.ToString(CultureInfo.InvariantCulture),
                    summary.Polls.ToString(CultureInfo.InvariantCulture),
                    summary.LastPoll is { } last ? EventText.Time(last.StartedAt) + (last.Error is null ? "" : " (failed)") : "never",
                    summary.LastPoll is { } poll ? $"{poll.Duration.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture)} s" : "");
            }

            console.Write(table);
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }
}
