using System.CommandLine;
using PortWarden.Core.Users;
using Spectre.Console;

namespace PortWarden.Cli.Commands;

/// <summary>
/// Where `users add` and `users passwd` get a password: standard input with --password-stdin (one line, for scripts), else a
/// prompt on the terminal that does not echo and asks twice. Never an option value: those end up in shell history and ps.
/// </summary>
internal sealed class PasswordInput
{
    public Option<bool> FromStdin { get; } = new("--password-stdin") { Description = "Read the password from standard input (its first line) instead of asking on the terminal." };

    public void AddTo(Command command) => command.Options.Add(FromStdin);

    public async Task<string> ReadAsync(ParseResult parse, CliStreams streams, CancellationToken cancellationToken)
    {
        var password = parse.GetValue(FromStdin) ? await ReadStdinAsync(streams, cancellationToken).ConfigureAwait(false) : Prompt(streams);
        if (UserRules.PasswordProblem(password) is { } problem)
        {
            throw new UsageException(problem);
        }

        return password;
    }

    private static async Task<string> ReadStdinAsync(CliStreams streams, CancellationToken cancellationToken)
    {
        var input = streams.In ?? throw new UsageException("--password-stdin: there is no standard input");
        return await input.ReadLineAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new UsageException("--password-stdin: standard input is empty; write the password to it, e.g. printf '%s\\n' \"$PASSWORD\" | portwarden users ...");
    }

    private static string Prompt(CliStreams streams)
    {
        if (!streams.InIsTerminal || !streams.ErrorIsTerminal)
        {
            throw new UsageException("no terminal to ask for the password on: pass --password-stdin and write the password to standard input");
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(streams.Error), Interactive = InteractionSupport.Yes });
        var password = console.Prompt(new TextPrompt<string>("Password:").Secret());
        var again = console.Prompt(new TextPrompt<string>("Repeat the password:").Secret());
        return password == again ? password : throw new UsageException("the two passwords differ; nothing changed");
    }
}
