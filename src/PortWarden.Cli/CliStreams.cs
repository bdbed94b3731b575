namespace PortWarden.Cli;

/// <summary>Where a command writes: its output and its diagnostics, and whether each is a terminal.</summary>
internal sealed record CliStreams(TextWriter Out, TextWriter Error, bool OutIsTerminal, bool ErrorIsTerminal)
{
    public static CliStreams FromConsole() => new(Console.Out, Console.Error, !Console.IsOutputRedirected, !Console.IsErrorRedirected);
}
