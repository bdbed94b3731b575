using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Configuration.Memory;

namespace PortWarden.Cli.Configuration;

/// <summary>
/// The configuration of `serve` and `agent`, lowest layer first: the JSON file (--config, else $PORTWARDEN_CONFIG),
/// the environment ($PORTWARDEN_DB and $PORTWARDEN_ADMIN_KEY, then PORTWARDEN_Section__Key variables), the flags.
/// Knows where each value came from, so that messages can name the file, variable or flag to fix.
/// </summary>
internal sealed partial class ConfigurationLayers
{
    public const string Prefix = "PORTWARDEN_";
    public const string FileVariable = "PORTWARDEN_CONFIG";

    /// <summary>Variables older than the configuration file that keep working: each sets one key.</summary>
    private static readonly Dictionary<string, string> LegacyVariables = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Hub:Db"] = Storage.StoreLocation.Variable,
        ["Hub:AdminKey"] = "PORTWARDEN_ADMIN_KEY",
    };

    private ConfigurationLayers(IConfigurationRoot root, string? file)
    {
        Root = root;
        File = file;
    }

    public IConfigurationRoot Root { get; }

    /// <summary>The configuration file as given, or null when there is none.</summary>
    public string? File { get; }

    public static ConfigurationLayers Build(string? file, FlagsConfigurationProvider flags)
    {
        file ??= Environment.GetEnvironmentVariable(FileVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : null;
        var builder = new ConfigurationBuilder();
        if (file is not null)
        {
            if (!System.IO.File.Exists(file))
            {
                throw new UsageException($"configuration file '{file}' does not exist");
            }

            builder.AddJsonFile(Path.GetFullPath(file), optional: false, reloadOnChange: false);
        }

        builder.AddInMemoryCollection(LegacyVariables
            .Select(legacy => KeyValuePair.Create(legacy.Key, Environment.GetEnvironmentVariable(legacy.Value)))
            .Where(pair => !string.IsNullOrEmpty(pair.Value)));
        builder.AddEnvironmentVariables(Prefix);
        builder.Add(flags);
        try
        {
            return new ConfigurationLayers(builder.Build(), file);
        }
        catch (Exception error) when (error is InvalidDataException or FormatException)
        {
            throw new UsageException($"cannot read configuration file '{file}': {Reason(error)}");
        }
    }

    /// <summary>The JSON reader's own words, with its zero-based line and byte position turned into a line and column.</summary>
    private static string Reason(Exception error)
    {
        var innermost = error;
        while (innermost.InnerException is not null)
        {
            innermost = innermost.InnerException;
        }

        if (innermost is JsonException { LineNumber: { } line, BytePositionInLine: { } position } json)
        {
            var message = JsonPosition().Replace(json.Message, "");
            return string.Create(CultureInfo.InvariantCulture, $"line {line + 1}, column {position + 1}: {message}");
        }

        return innermost.Message;
    }

    [GeneratedRegex(@"\s*(Path: \S*\s*\|\s*)?LineNumber: \d+ \| BytePositionInLine: \d+\.$")]
    private static partial Regex JsonPosition();

    /// <summary>Where the value at <paramref name="path"/> came from (a file, a variable, a flag), or null when it is a default.</summary>
    public string? SourceOf(string path) =>
        Root.Providers.Reverse().FirstOrDefault(provider => provider.TryGet(path, out _)) is { } provider ? Describe(provider, path) : null;

    /// <summary>How a message names a provider's key.</summary>
    public string Describe(IConfigurationProvider provider, string path) => provider switch
    {
        JsonConfigurationProvider => File!,
        EnvironmentVariablesConfigurationProvider => "$" + VariableOf(path),
        FlagsConfigurationProvider flags => flags.FlagOf(path),
        MemoryConfigurationProvider => "$" + LegacyVariables[path],
        _ => provider.ToString() ?? "?",
    };

    /// <summary>The environment variable that set a key, spelled as it is set.</summary>
    private static string VariableOf(string path) =>
        Environment.GetEnvironmentVariables().Keys.OfType<string>().FirstOrDefault(name =>
            name.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)
            && string.Equals(name[Prefix.Length..].Replace("__", ":", StringComparison.Ordinal), path, StringComparison.OrdinalIgnoreCase))
        ?? Prefix + path.Replace(":", "__", StringComparison.Ordinal);

    /// <summary>True for variables of the environment layer that are not configuration keys (e.g. $PORTWARDEN_DEBUG).</summary>
    public static bool IsOtherVariable(IConfigurationProvider provider, string topKey) =>
        provider is EnvironmentVariablesConfigurationProvider && !provider.GetChildKeys([], topKey).Any();
}
