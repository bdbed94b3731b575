using Spectre.Console;

namespace PortWarden.Cli.Output;

/// <summary>Spectre consoles over a command's writer: colours on a terminal, plain and wide when redirected.</summary>
internal static class Consoles
{
    public static IAnsiConsole For(TextWriter writer, bool terminal)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        });
        if (!terminal)
        {
            console.Profile.Width = 200;
        }

        return console;
    }
}
