using System.CommandLine;
using System.Globalization;
using System.Net;
using PortWarden.Cli.Output;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;
using PortWarden.Core.Targets;
using PortWarden.Core.Tracking;
using Spectre.Console;

namespace PortWarden.Cli.Commands;

/// <summary>`portwarden baseline DEVICE`: the device's current confirmed state, host by host and port by port.</summary>
internal static class BaselineCommand
{
    public static Command Create(CliStreams streams)
    {
        var store = new StoreOption();
        var device = new Argument<string>("device") { Description = "The device name." };
        var format = new Option<OutputFormat>("--format", "-f") { Description = "Output: table, json, jsonl or csv.", DefaultValueFactory = _ => OutputFormat.Table };
        var command = new Command("baseline", "Show a device's current state: its hosts and their open ports.");
        command.Arguments.Add(device);
        command.Options.Add(format);
        store.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync("baseline", streams, async () =>
        {
            await using var db = await store.OpenForReadingAsync(parse, cancellationToken).ConfigureAwait(false);
            var found = await StoreOption.FindDeviceAsync(db, parse.GetValue(device)!, cancellationToken).ConfigureAwait(false);
            var baseline = await db.LoadBaselineAsync(found, cancellationToken).ConfigureAwait(false);
            var rows = Rows(baseline).ToList();
            switch (parse.GetValue(format))
            {
                case OutputFormat.Json:
                    await streams.Out.WriteLineAsync(PollPayloads.Baseline(baseline).AsMemory(), cancellationToken).ConfigureAwait(false);
                    break;
                case OutputFormat.Jsonl:
                    foreach (var (host, port) in rows)
                    {
                        await streams.Out.WriteLineAsync(ScanJson.Serialize(json =>
                        {
                            json.WriteStartObject();
                            json.WriteString("host", host.Address);
                            json.WriteString("hostname", host.HostName);
                            json.WriteString("hostState", host.State.ToWireName());
                            json.WriteString("protocol", port?.Key.Protocol.ToWireName());
                            if (port is null)
                            {
                                json.WriteNull("port");
                            }
                            else
                            {
                                json.WriteNumber("port", port.Key.Port);
                            }

                            json.WriteString("service", port?.Service);
                            json.WriteString("process", port?.Process?.Name);
                            json.WriteString("bindAddress", port?.BindAddress?.ToString());
                            json.WriteString("firstSeen", port?.FirstSeen ?? host.FirstSeen);
                            json.WriteString("lastChanged", port?.LastChanged ?? host.LastChanged);
                            json.WriteEndObject();
                        }).AsMemory(), cancellationToken).ConfigureAwait(false);
                    }

                    break;
                case OutputFormat.Csv:
                    await streams.Out.WriteLineAsync("host,hostname,host_state,protocol,port,state,service,process,bind_address,first_seen,last_changed".AsMemory(), cancellationToken).ConfigureAwait(false);
                    foreach (var (host, port) in rows)
                    {
                        var fields = new string?[]
                        {
                            host.Address, host.HostName, host.State.ToWireName(), port?.Key.Protocol.ToWireName(),
                            port?.Key.Port.ToString(CultureInfo.InvariantCulture), port is null ? null : "open", port?.Service,
                            port?.Process?.Name, port?.BindAddress?.ToString(),
                            (port?.FirstSeen ?? host.FirstSeen).ToString("O", CultureInfo.InvariantCulture),
                            (port?.LastChanged ?? host.LastChanged).ToString("O", CultureInfo.InvariantCulture),
                        };
                        await streams.Out.WriteLineAsync(string.Join(',', fields.Select(Csv.Escape)).AsMemory(), cancellationToken).ConfigureAwait(false);
                    }

                    break;
                default:
                    WriteTable(streams, found, baseline, rows);
                    break;
            }

            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    /// <summary>Each open port with its host; a host without open ports gets one row of its own.</summary>
    private static IEnumerable<(HostBaseline Host, PortBaseline? Port)> Rows(DeviceBaseline baseline) =>
        baseline.Hosts.Values
            .OrderBy(host => IPAddress.Parse(host.Address), AddressComparer.Instance)
            .SelectMany(host => host.OpenPorts.Any()
                ? host.OpenPorts.OrderBy(port => port.Key).Select(port => (host, (PortBaseline?)port))
                : [(host, null)]);

    private static void WriteTable(CliStreams streams, Device device, DeviceBaseline baseline, List<(HostBaseline Host, PortBaseline? Port)> rows)
    {
        var console = Consoles.For(streams.Out, streams.OutIsTerminal);
        if (!device.BaselineEstablished)
        {
            console.WriteLine($"No baseline for '{device.Name}' yet: it has not been polled.");
            return;
        }

        var table = new Table().Border(TableBorder.Simple)
            .AddColumns("HOST", "PORT", "STATE", "SERVICE", "PROCESS", "BIND", "FIRST SEEN", "LAST CHANGED");
        foreach (var (host, port) in rows)
        {
            var name = Markup.Escape(host.HostName is null ? host.Address : $"{host.HostName} ({host.Address})");
            if (port is null)
            {
                table.AddRow(name, "", host.State == HostState.Up ? "up, no open ports" : "down", "", "", "", EventText.Time(host.FirstSeen), EventText.Time(host.LastChanged));
                continue;
            }

            table.AddRow(
                name, $"{port.Key.Port.ToString(CultureInfo.InvariantCulture)}/{port.Key.Protocol.ToWireName()}",
                host.State == HostState.Up ? "open" : "open (host down)", Markup.Escape(port.Service ?? "unknown"),
                Markup.Escape(port.Process is { } process ? $"{process.Name} ({process.Pid.ToString(CultureInfo.InvariantCulture)})" : ""),
                port.BindAddress?.ToString() ?? "", EventText.Time(port.FirstSeen), EventText.Time(port.LastChanged));
        }

        console.Write(table);
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{baseline.Hosts.Values.Count(h => h.State == HostState.Up)} host(s) up, {baseline.OpenPortCount} open port(s); last poll {(device.LastPollAt is { } at ? EventText.Time(at) : "never")}."));
    }
}
