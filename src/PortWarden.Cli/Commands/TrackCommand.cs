using System.CommandLine;
using PortWarden.Cli.Output;
using PortWarden.Core.Targets;
using PortWarden.Core.Tracking;

namespace PortWarden.Cli.Commands;

/// <summary>`portwarden track`: scan, compare with the device's baseline, record the poll and its events, print the changes.</summary>
internal static class TrackCommand
{
    public static Command Create(CliStreams streams, TimeProvider time)
    {
        var scan = new ScanOptionSet();
        var store = new StoreOption();
        var name = new Option<string?>("--name") { Description = "Device name (default: the targets as given).", HelpName = "device" };
        var tracker = new Option<string>("--tracker")
        {
            Description = "Tracker name, when a device has several (e.g. one for TCP, one for UDP).",
            DefaultValueFactory = _ => "default",
            HelpName = "name",
        };
        var confirm = new Option<int>("--confirm")
        {
            Description = "Polls in a row that must agree before a change is reported (flap suppression).",
            DefaultValueFactory = _ => 1,
            HelpName = "n",
        };
        var baselineEvents = new Option<bool>("--baseline-events") { Description = "Also record a baseline event with the full state after each poll." };
        var format = new Option<OutputFormat>("--format", "-f") { Description = "Output: table (change lines) or json.", DefaultValueFactory = _ => OutputFormat.Table };
        var exitCode = new Option<bool>("--exit-code") { Description = "Exit 1 when there are unplanned changes, 0 when none (2 on error)." };
        var wait = new Option<int>("--wait")
        {
            Description = "Seconds to wait for another poll of the same device to finish.",
            DefaultValueFactory = _ => 600,
            HelpName = "seconds",
        };
        var noProgress = new Option<bool>("--no-progress") { Description = "Do not draw a progress bar on the terminal." };
        var alertWait = AlertWaitOption();
        var self = new Option<bool>("--self")
        {
            Description = "Track this machine's own listening ports (its socket table, with owning programs); the device is named after the host.",
        };

        var command = new Command("track", "Scan, compare with the stored baseline of the device, record the poll and print what changed.");
        scan.AddTo(command);
        foreach (var option in new Option[] { self, name, tracker, confirm, baselineEvents, format, exitCode, wait, noProgress, alertWait })
        {
            command.Options.Add(option);
        }

        store.AddTo(command);
        confirm.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > TrackingPolicy.MaxConfirmPolls)
            {
                result.AddError($"--confirm must be between 1 and {TrackingPolicy.MaxConfirmPolls}.");
            }
        });
        format.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<OutputFormat>() is not (OutputFormat.Table or OutputFormat.Json))
            {
                result.AddError("--format for track is table or json.");
            }
        });
        wait.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 0)
            {
                result.AddError("--wait must be zero or more seconds.");
            }
        });

        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync("track", streams, async () =>
        {
            var selfScan = parse.GetValue(self);
            var (engine, request, definition) = await scan.BuildAsync(
                parse, time, new SystemHostResolver(), cancellationToken, warning => streams.Error.WriteLine($"portwarden track: {warning}"), selfScan).ConfigureAwait(false);
            var targets = string.Join(' ', parse.GetValue(scan.Targets) ?? []);
            var deviceName = parse.GetValue(name) ?? (selfScan || targets.Length == 0 ? Environment.MachineName : targets);
            var policy = new TrackingPolicy(parse.GetValue(confirm), parse.GetValue(baselineEvents));

            await using var db = await store.OpenAsync(parse, cancellationToken).ConfigureAwait(false);
            var kind = selfScan || engine.Name == Scanning.Local.LocalEngine.EngineName ? DeviceKind.Self : KindOf(request.Targets);
            var device = await db.SaveDeviceAsync(deviceName, kind, targets, cancellationToken).ConfigureAwait(false);
            var savedTracker = await db.SaveTrackerAsync(
                new Tracker(0, device.Id, parse.GetValue(tracker)!, parse.GetValue(scan.Ports) ?? (kind == DeviceKind.Self ? "-" : Core.Ports.PortSpec.Default.IncludeText),
                    parse.GetValue(scan.ExcludePorts) ?? "", engine.Name, "none", policy)
                {
                    OptionsJson = definition.Options.ToJson(),
                    Mode = kind switch { DeviceKind.Self => TrackerMode.Self, DeviceKind.Network => TrackerMode.Network, _ => TrackerMode.Remote },
                },
                cancellationToken).ConfigureAwait(false);

            var poll = new PollRequest(device, savedTracker, engine, request, policy) { LockWait = TimeSpan.FromSeconds(parse.GetValue(wait)) };
            var result = await TerminalProgress.RunAsync(streams, !parse.GetValue(noProgress), $"polling {device.Name}", progress =>
                new PollRunner(db, time).RunAsync(
                    poll,
                    progress,
                    holder => streams.Error.WriteLine($"portwarden track: waiting for {holder.Owner} to finish polling '{device.Name}'..."),
                    cancellationToken)).ConfigureAwait(false);

            await PollReport.WriteAsync(streams, parse.GetValue(format), device, result, cancellationToken).ConfigureAwait(false);
            await AlertFlush.RunAsync(db, device, result, TimeSpan.FromSeconds(parse.GetValue(alertWait)), streams, time, "track", cancellationToken).ConfigureAwait(false);
            if (result.Poll.Error is { } error)
            {
                await streams.Error.WriteLineAsync($"portwarden track: the poll of '{device.Name}' failed: {error}").ConfigureAwait(false);
                return ExitCodes.Error;
            }

            return parse.GetValue(exitCode) && result.UnplannedChanges > 0 ? ExitCodes.Found : ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    /// <summary>How long track and import may spend delivering alerts after recording (0: only queue them).</summary>
    internal static Option<int> AlertWaitOption()
    {
        var option = new Option<int>("--alert-wait")
        {
            Description = "Seconds to spend delivering alerts after recording; undelivered ones stay queued for the next run (0: queue only).",
            DefaultValueFactory = _ => 15,
            HelpName = "seconds",
        };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 0 or > 3600)
            {
                result.AddError("--alert-wait must be between 0 and 3600 seconds.");
            }
        });
        return option;
    }

    /// <summary>One address or host name is a host; anything larger is a network.</summary>
    private static DeviceKind KindOf(TargetSet targets) =>
        targets.Include.Entries is [SingleAddressEntry or HostNameEntry { PrefixLength: null }] ? DeviceKind.Host : DeviceKind.Network;
}
