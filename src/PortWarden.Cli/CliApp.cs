using System.CommandLine;
using PortWarden.Cli.Commands;

namespace PortWarden.Cli;

/// <summary>The portwarden command line: builds the command tree and maps failures to exit codes.</summary>
internal static class CliApp
{
    public static async Task<int> RunAsync(string[] args, CliStreams streams, TimeProvider time, CancellationToken cancellationToken = default)
    {
        var root = CreateRoot(streams, time);
        OptionErrors.GuardValidators(root);
        var parseResult = root.Parse(args);
        var configuration = new InvocationConfiguration { Output = streams.Out, Error = streams.Error };
        if ((parseResult.Errors.Count > 0 || OptionErrors.UnknownOptions(parseResult).Count > 0) && parseResult.Action is not System.CommandLine.Help.HelpAction)
        {
            foreach (var error in OptionErrors.Describe(parseResult))
            {
                await streams.Error.WriteLineAsync($"portwarden: {error}").ConfigureAwait(false);
            }

            await streams.Error.WriteLineAsync($"Try '{CommandPath(parseResult)} --help' for usage.").ConfigureAwait(false);
            return ExitCodes.Error;
        }

        return await parseResult.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The command tree (also walked by the tests that keep docs/cli.md true to --help).</summary>
    public static RootCommand CreateRoot(CliStreams streams, TimeProvider time) =>
        new RootCommand("PortWarden tracks which TCP and UDP ports are open on your hosts and networks.")
        {
            ScanCommand.Create(streams, time),
            TrackCommand.Create(streams, time),
            DevicesCommand.Create(streams),
            BaselineCommand.Create(streams),
            EventsCommand.Create(streams, time),
            PlannedCommand.Create(streams, time),
            ExportCommand.Create(streams, time),
            AlertsCommand.Create(streams, time),
            ReportCommand.Create(streams, time),
            ExpectCommand.Create(streams),
            DiffCommand.Create(streams),
            ImportCommand.Create(streams, time),
            ServeCommand.Create(streams, time),
            AgentCommand.Create(streams, time),
            UsersCommand.Create(streams, time),
            ServiceCommand.Create(streams),
        };

    private static string CommandPath(ParseResult parseResult)
    {
        var names = new List<string>();
        for (var result = parseResult.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Insert(0, result.Command is RootCommand ? "portwarden" : result.Command.Name);
        }

        return string.Join(' ', names);
    }
}
