using System.CommandLine;
using PortWarden.Cli.Output;
using PortWarden.Core.Targets;
using PortWarden.Core.Tracking;
using PortWarden.Scanning.Nmap;

namespace PortWarden.Cli.Commands;

/// <summary>`portwarden import FILE.xml`: records an nmap XML scan as a poll of a device, dated when nmap ran it, so history can be brought in.</summary>
internal static class ImportCommand
{
    public static Command Create(CliStreams streams, TimeProvider time)
    {
        var store = new StoreOption();
        var file = new Argument<FileInfo>("file") { Description = "An nmap XML file (nmap -oX)." };
        var name = new Option<string?>("--name") { Description = "Device name (default: the targets nmap was given, else the file name).", HelpName = "device" };
        var confirm = new Option<int>("--confirm") { Description = "Polls in a row that must agree before a change is reported.", DefaultValueFactory = _ => 1, HelpName = "n" };
        var baselineEvents = new Option<bool>("--baseline-events") { Description = "Also record a baseline event with the full state." };
        var format = new Option<OutputFormat>("--format", "-f") { Description = "Output: table (change lines) or json.", DefaultValueFactory = _ => OutputFormat.Table };
        var alertWait = TrackCommand.AlertWaitOption();
        var command = new Command("import",
            "Record an nmap XML scan as a poll of a device (import history oldest first). Hosts the scan covered (its command line's targets, " +
            "else the device's) that the file does not list are recorded down; a cut-off file is a partial poll (exit 2).");
        command.Arguments.Add(file);
        foreach (var option in new Option[] { name, confirm, baselineEvents, format, alertWait })
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
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync("import", streams, async () =>
        {
            var path = parse.GetValue(file)!.FullName;
            if (!File.Exists(path))
            {
                throw new UsageException($"no such file: {path}");
            }

            await using var source = new NmapFileSource(path);
            var coverage = await source.OpenAsync(cancellationToken).ConfigureAwait(false);
            var commandLine = NmapCommandLine.Parse(source.Run?.Arguments);
            var (deviceName, targets) = DeviceOf(path, parse.GetValue(name), commandLine);
            if (coverage.StartedAt is null)
            {
                throw new UsageException($"{path} does not say when the scan ran (no start time in <nmaprun>), so it cannot be placed in the history");
            }

            await using var db = await store.OpenAsync(parse, cancellationToken).ConfigureAwait(false);
            // An import records a poll of the device; it does not redefine an existing device's targets.
            var device = await db.FindDeviceAsync(deviceName, cancellationToken).ConfigureAwait(false)
                ?? await db.SaveDeviceAsync(deviceName, KindOf(targets), targets, cancellationToken).ConfigureAwait(false);
            source.CoveredHosts = await ImportCoverage.DecideAsync(db, device, commandLine, cancellationToken).ConfigureAwait(false);
            var policy = new TrackingPolicy(parse.GetValue(confirm), parse.GetValue(baselineEvents));
            var result = await new PollRunner(db, time).RunAsync(new PollRequest(device, null, new OpenedSource(source, coverage), policy), null, null, cancellationToken)
                .ConfigureAwait(false);
            await PollReport.WriteAsync(streams, parse.GetValue(format), device, result, cancellationToken).ConfigureAwait(false);
            await AlertFlush.RunAsync(db, device, result, TimeSpan.FromSeconds(parse.GetValue(alertWait)), streams, time, "import", cancellationToken).ConfigureAwait(false);
            if (source.HostsNotListed > 0)
            {
                await streams.Error.WriteLineAsync(
                    $"portwarden import: {source.HostsNotListed} host(s) of {source.CoveredHosts.Description} are not in the file: recorded down").ConfigureAwait(false);
            }

            if (result.Poll.Error is { } problem)
            {
                // As diff does for a cut-off file: what was recorded is true, but the poll is partial.
                await streams.Error.WriteLineAsync($"portwarden import: recorded as a partial poll (hosts not in the file were not decided): {problem}").ConfigureAwait(false);
                return ExitCodes.Error;
            }

            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    /// <summary>The device to record into: the name given, else the targets nmap was given, else the file's name.</summary>
    private static (string Name, string Targets) DeviceOf(string path, string? name, NmapCommandLine commandLine)
    {
        var targets = commandLine.Targets.Entries.Count > 0 ? commandLine.Targets.Text : Path.GetFileNameWithoutExtension(path);
        return (name ?? targets, targets);
    }

    private static DeviceKind KindOf(string targets)
    {
        try
        {
            return TargetSpec.Parse(targets) is { Entries: [SingleAddressEntry or HostNameEntry { PrefixLength: null }] } ? DeviceKind.Host : DeviceKind.Network;
        }
        catch (Core.SpecFormatException)
        {
            return DeviceKind.Network;
        }
    }

    /// <summary>A source already opened (to learn its device before the store is opened): opening it again returns what the first opening found.</summary>
    private sealed class OpenedSource(NmapFileSource source, PollCoverage coverage) : IPollSource
    {
        public string Engine => source.Engine;

        public Task<PollCoverage> OpenAsync(CancellationToken cancellationToken) => Task.FromResult(coverage);

        public IAsyncEnumerable<Core.Scanning.ScanRecord> ReadAsync(IProgress<Core.Scanning.ScanProgress>? progress, CancellationToken cancellationToken) =>
            source.ReadAsync(progress, cancellationToken);
    }
}
