using System.CommandLine;
using System.ComponentModel;
using System.Reflection;

namespace PortWarden.Cli.Configuration;

/// <summary>The --config and --check-config options of `serve` and `agent`, and the loading of their settings.</summary>
internal sealed class ConfigOptions
{
    public Option<string?> File { get; } = new("--config")
    {
        Description = $"Read settings from this JSON file (also ${ConfigurationLayers.FileVariable}). Environment variables (PORTWARDEN_Section__Key) override it, and flags override both.",
        HelpName = "file",
    };

    public Option<bool> Check { get; } = new("--check-config")
    {
        Description = "Check the configuration, print the settings in effect and where each came from (secrets hidden), and exit.",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(File);
        command.Options.Add(Check);
    }

    /// <summary>The command's settings from file, environment and flags, validated; a <see cref="UsageException"/> lists every problem.</summary>
    public (TSettings Settings, ConfigurationLayers Layers) Load<TSettings>(ParseResult parse, Command command, string section)
        where TSettings : class, new()
    {
        var layers = ConfigurationLayers.Build(parse.GetValue(File), FlagsConfigurationProvider.FromCommandLine<TSettings>(parse, command, section));
        return (SettingsLoader.Load<TSettings>(layers, section), layers);
    }

    /// <summary>With --check-config: the settings in effect, one per line, with where each came from.</summary>
    public static async Task WriteAsync(object settings, string section, ConfigurationLayers layers, TextWriter output)
    {
        await output.WriteLineAsync($"Configuration is valid (file: {layers.File ?? "none"}). Settings in effect:").ConfigureAwait(false);
        foreach (var (path, property, configured) in new SettingsSchema(settings.GetType()).Leaves(section, settings))
        {
            var value = configured ?? property.GetCustomAttribute<DefaultValueAttribute>()?.Value;
            var source = layers.SourceOf(SettingsSchema.IsList(property.PropertyType) ? path + ":0" : path);
            var shown = value switch
            {
                null => "(not set)",
                string[] list => string.Join(", ", list.Select(element => SettingsLoader.Display(property, element))),
                bool on => on ? "true" : "false",
                _ => SettingsLoader.Display(property, value),
            };
            await output.WriteLineAsync($"  {path} = {shown}  ({(source is null ? "default" : "from " + source)})").ConfigureAwait(false);
        }
    }
}
