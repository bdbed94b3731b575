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
        var command = new Command("import", "Record an nmap XML scan as a poll of a device (import history oldest first).");
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
            var (deviceName, targets) = DeviceOf(path, parse.GetValue(name), source.Run?.Arguments);
            if (coverage.StartedAt is null)
            {
                throw new UsageException($"{path} does not say when the scan ran (no start time in <nmaprun>), so it cannot be placed in the history");
            }

            await using var db = await store.OpenAsync(parse, cancellationToken).ConfigureAwait(false);
            var kind = TargetSpec.Parse(targets) is { Entries: [SingleAddressEntry or HostNameEntry { PrefixLength: null }] } ? DeviceKind.Host : DeviceKind.Network;
            var device = await db.SaveDeviceAsync(deviceName, kind, targets, cancellationToken).ConfigureAwait(false);
            var policy = new TrackingPolicy(parse.GetValue(confirm), parse.GetValue(baselineEvents));
            var result = await new PollRunner(db, time).RunAsync(new PollRequest(device, null, new OpenedSource(source, coverage), policy), null, null, cancellationToken)
                .ConfigureAwait(false);
            await PollReport.WriteAsync(streams, parse.GetValue(format), device, result, cancellationToken).ConfigureAwait(false);
            await AlertFlush.RunAsync(db, device, result, TimeSpan.FromSeconds(parse.GetValue(alertWait)), streams, time, "import", cancellationToken).ConfigureAwait(false);
            if (result.Poll.Error is { } problem)
            {
                await streams.Error.WriteLineAsync($"portwarden import: recorded with a problem: {problem}").ConfigureAwait(false);
            }

            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    /// <summary>The device to record into: the name given, else the targets nmap was given, else the file's name.</summary>
    private static (string Name, string Targets) DeviceOf(string path, string? name, string? arguments)
    {
        var targets = TargetsOf(arguments) ?? Path.GetFileNameWithoutExtension(path);
        return (name ?? targets, targets);
    }

    /// <summary>The trailing target arguments of an nmap command line ("nmap -sT -p 1-100 10.0.0.0/24 gw.example" gives "10.0.0.0/24 gw.example").</summary>
    private static string? TargetsOf(string? arguments)
    {
        if (arguments is null)
        {
            return null;
        }

        var tokens = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var targets = new List<string>();
        for (var i = tokens.Length - 1; i > 0 && !tokens[i].StartsWith('-') && !tokens[i - 1].StartsWith('-'); i--)
        {
            try
            {
                TargetSpec.Parse(tokens[i]);
                targets.Insert(0, tokens[i]);
            }
            catch (Core.SpecFormatException)
            {
                break;
            }
        }

        return targets.Count == 0 ? null : string.Join(' ', targets);
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
