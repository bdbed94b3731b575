using System.CommandLine;
using PortWarden.Cli.Diff;
using PortWarden.Core.Comparison;

namespace PortWarden.Cli.Commands;

/// <summary>`portwarden diff OLD NEW`: compares two scans (nmap XML or PortWarden JSON); exit 0 equal, 1 different, 2 error or partial comparison.</summary>
internal static class DiffCommand
{
    public static Command Create(CliStreams streams)
    {
        var old = new Argument<string>("old") { Description = "The earlier scan: an nmap XML file (-oX) or a PortWarden JSON scan (scan --format json or jsonl)." };
        var current = new Argument<string>("new") { Description = "The later scan, in either format." };
        var format = new Option<DiffFormat>("--format", "-f")
        {
            Description = "Output format: text (ndiff style) or json.",
            DefaultValueFactory = _ => DiffFormat.Text,
        };

        var command = new Command("diff",
            "Compare two scans and show hosts and ports that appeared, disappeared or changed; open ports one scan did not scan are listed as not scanned " +
            "(exit 0: equal, 1: different, 2: error, or a partial comparison: a file cut off or open ports not scanned by the other scan).")
        {
            old,
            current,
            format,
        };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync("diff", streams, async () =>
        {
            var before = await LoadAsync(parse.GetValue(old)!, streams, cancellationToken).ConfigureAwait(false);
            var after = await LoadAsync(parse.GetValue(current)!, streams, cancellationToken).ConfigureAwait(false);
            var difference = ScanComparison.Compare(before, after);
            if (parse.GetValue(format) == DiffFormat.Json)
            {
                await JsonDiffOutput.WriteAsync(difference, streams.Out, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await TextDiffOutput.WriteAsync(difference, streams.Out, cancellationToken).ConfigureAwait(false);
            }

            // A cut-off file or an open port the other scan did not scan leaves the answer open: the differences shown are real, but "equal" cannot be claimed.
            return difference.Partial ? ExitCodes.Error : difference.Equal ? ExitCodes.Success : ExitCodes.Found;
        }, cancellationToken));
        return command;
    }

    private static async Task<ScanSnapshot> LoadAsync(string path, CliStreams streams, CancellationToken cancellationToken)
    {
        var (snapshot, warnings) = await ScanFiles.LoadAsync(path, cancellationToken).ConfigureAwait(false);
        foreach (var warning in warnings)
        {
            await streams.Error.WriteLineAsync($"portwarden diff: warning: '{path}': {warning}").ConfigureAwait(false);
        }

        return snapshot;
    }
}
