namespace PortWarden.Storage;

/// <summary>Where the embedded database lives unless told otherwise: the user's data directory.</summary>
public static class StoreLocation
{
    /// <summary>Environment variable that overrides the default database (a path).</summary>
    public const string Variable = "PORTWARDEN_DB";

    /// <summary>~/.local/share/portwarden/portwarden.db on Linux (or $XDG_DATA_HOME), %LOCALAPPDATA%\PortWarden\portwarden.db on Windows.</summary>
    public static string DefaultPath =>
        Path.Combine(
            Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify),
            OperatingSystem.IsWindows() ? "PortWarden" : "portwarden",
            "portwarden.db");

    /// <summary>The database to use: the one given, else $PORTWARDEN_DB, else the default.</summary>
    public static string Resolve(string? given) =>
        !string.IsNullOrWhiteSpace(given) ? given
        : Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } fromEnvironment ? fromEnvironment
        : DefaultPath;
}
