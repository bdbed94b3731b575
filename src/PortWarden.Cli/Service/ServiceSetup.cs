namespace PortWarden.Cli.Service;

/// <summary>Everything a service installation is made of: what runs, as whom, reading which file, writing where, allowed what.</summary>
internal sealed record ServiceSetup(
    ServiceRole Role,
    ServiceExecutable Executable,
    string ConfigFile,
    string DataDirectory,
    string User,
    ServiceCapabilities Capabilities)
{
    public const string DefaultUser = "portwarden";

    public static string DefaultConfigFile => OperatingSystem.IsWindows()
        ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.CommonApplicationData), "PortWarden", "portwarden.json")
        : "/etc/portwarden/portwarden.json";

    public static string DefaultDataDirectory => OperatingSystem.IsWindows()
        ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.CommonApplicationData), "PortWarden")
        : "/var/lib/portwarden";

    /// <summary>The arguments after the program: the role's command reading the configuration file.</summary>
    public IReadOnlyList<string> Arguments => [.. Executable.Prefix, Role.Command, "--config", ConfigFile];

    /// <summary>The configuration file written on installation when there is none: each role's state in its own directory.</summary>
    public string DefaultConfiguration()
    {
        var hub = Path.Combine(DataDirectory, ServiceRole.Hub.DataSubdirectory);
        var agent = Path.Combine(DataDirectory, ServiceRole.Agent.DataSubdirectory);
        return $$"""
            {
              "Hub": {
                "Urls": [ "http://127.0.0.1:5080" ],
                "Db": {{Json(Path.Combine(hub, "portwarden.db"))}},
                "DataDir": {{Json(hub)}}
              },
              "Agent": {
                "DataDir": {{Json(agent)}}
              }
            }

            """;
    }

    private static string Json(string text) => System.Text.Json.JsonSerializer.Serialize(text);
}
