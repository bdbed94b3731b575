namespace PortWarden.Cli.Service;

/// <summary>What a service runs: the hub (`serve`) or an agent (`agent`), with the names each service manager knows it by.</summary>
internal sealed record ServiceRole(string Name, string Command, string UnitName, string WindowsName, string Summary)
{
    public static readonly ServiceRole Hub = new("hub", "serve", "portwarden-hub", "PortWardenHub",
        "PortWarden hub: port change tracking, REST API and agents' gateway");

    public static readonly ServiceRole Agent = new("agent", "agent", "portwarden-agent", "PortWardenAgent",
        "PortWarden agent: runs the hub's port trackers on this host");

    public static IReadOnlyList<ServiceRole> All { get; } = [Hub, Agent];

    /// <summary>The data directory's subdirectory of this role (the hub's database and key, the agent's outbox).</summary>
    public string DataSubdirectory => Name;
}
