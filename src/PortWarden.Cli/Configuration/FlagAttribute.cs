namespace PortWarden.Cli.Configuration;

/// <summary>The command-line flag that sets this setting (the top configuration layer); an inverted flag sets it to false.</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class FlagAttribute(string name) : Attribute
{
    public string Name { get; } = name;

    /// <summary>A switch that turns the setting off (e.g. --no-local-agent for LocalAgent).</summary>
    public bool Inverted { get; init; }
}
