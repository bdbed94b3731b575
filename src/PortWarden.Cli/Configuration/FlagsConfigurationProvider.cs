using System.CommandLine;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace PortWarden.Cli.Configuration;

/// <summary>
/// The flags given on the command line as the top configuration layer. A list given as flags replaces the list of the
/// layers below it (configuration otherwise merges lists element by element).
/// </summary>
internal sealed class FlagsConfigurationProvider(IReadOnlyDictionary<string, string?> values, IReadOnlyDictionary<string, string> flagOfKey)
    : ConfigurationProvider, IConfigurationSource
{
    /// <summary>The flags of <paramref name="command"/> that the user gave, as keys of the settings class's section (its [Flag] attributes).</summary>
    public static FlagsConfigurationProvider FromCommandLine<TSettings>(ParseResult parse, Command command, string section)
        where TSettings : new()
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var flagOfKey = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (path, property, _) in new SettingsSchema(typeof(TSettings)).Leaves(section, new TSettings()))
        {
            if (property.GetCustomAttribute<FlagAttribute>() is not { } flag)
            {
                continue;
            }

            var option = command.Options.FirstOrDefault(o => o.Name == flag.Name || o.Aliases.Contains(flag.Name))
                ?? throw new InvalidOperationException($"'{command.Name}' has no option {flag.Name} for {path}");
            if (parse.GetResult(option) is not { Implicit: false } result)
            {
                continue;
            }

            foreach (var (key, value) in Entries(path, result.GetValueOrDefault<object?>(), flag.Inverted))
            {
                values[key] = value;
                flagOfKey[key] = flag.Name;
            }
        }

        return new FlagsConfigurationProvider(values, flagOfKey);
    }

    private static IEnumerable<(string Key, string? Value)> Entries(string path, object? value, bool inverted) => value switch
    {
        string[] list => list.Select((element, index) => ($"{path}:{index}", (string?)element)),
        bool on => [(path, (inverted ? !on : on) ? "true" : "false")],
        FileSystemInfo file => [(path, file.FullName)],
        _ => [(path, Convert.ToString(value, CultureInfo.InvariantCulture))],
    };

    /// <summary>The flag that set a key (e.g. "--urls" for Hub:Urls:1).</summary>
    public string FlagOf(string key) =>
        flagOfKey.TryGetValue(key, out var flag) ? flag
        : flagOfKey.FirstOrDefault(entry => entry.Key.StartsWith(key + ":", StringComparison.OrdinalIgnoreCase)).Value ?? "the command line";

    public override void Load() => Data = new Dictionary<string, string?>(values, StringComparer.OrdinalIgnoreCase);

    public override IEnumerable<string> GetChildKeys(IEnumerable<string> earlierKeys, string? parentPath) =>
        parentPath is not null && OwnsList(parentPath)
            ? base.GetChildKeys([], parentPath)
            : base.GetChildKeys(earlierKeys, parentPath);

    public IConfigurationProvider Build(IConfigurationBuilder builder) => this;

    private bool OwnsList(string parentPath) =>
        values.Keys.Any(key => key.StartsWith(parentPath + ":", StringComparison.OrdinalIgnoreCase) && int.TryParse(key.AsSpan(parentPath.Length + 1), out _));
}
