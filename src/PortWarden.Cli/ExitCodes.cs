namespace PortWarden.Cli;

/// <summary>Process exit codes, the same for every command.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The command worked and found what the user asked to be told about (e.g. unplanned changes).</summary>
    public const int Found = 1;

    /// <summary>Bad input or a failure: the message is on stderr.</summary>
    public const int Error = 2;

    /// <summary>Interrupted (Ctrl+C or SIGTERM), as shells report 128 + SIGINT.</summary>
    public const int Cancelled = 130;
}
