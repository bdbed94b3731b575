namespace PortWarden.Cli;

/// <summary>Where a command writes (its output and its diagnostics) and reads (its input), and whether each is a terminal.</summary>
internal sealed record CliStreams(TextWriter Out, TextWriter Error, bool OutIsTerminal, bool ErrorIsTerminal, TextReader? In = null, bool InIsTerminal = false)
{
    public static CliStreams FromConsole() =>
        new(Console.Out, Console.Error, !Console.IsOutputRedirected, !Console.IsErrorRedirected, Console.In, !Console.IsInputRedirected);
}
