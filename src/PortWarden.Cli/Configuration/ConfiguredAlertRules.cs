using System.Text.Json;
using Microsoft.Extensions.Configuration.Json;
using PortWarden.Core.Alerts;

namespace PortWarden.Cli.Configuration;

/// <summary>
/// The "AlertRules" section of the configuration file: alert rules in the API's JSON shape, which `serve` creates or
/// updates (by name) in the store when it starts. Rules are whole JSON documents, so they come from the file only:
/// the same section set through variables or flags is refused rather than half-applied.
/// </summary>
internal static class ConfiguredAlertRules
{
    public const string Section = "AlertRules";

    /// <summary>The file's rules, each validated; a <see cref="UsageException"/> names the first problem and where it is.</summary>
    public static IReadOnlyList<AlertRule> Read(ConfigurationLayers layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        foreach (var provider in layers.Root.Providers.Where(provider => provider is not JsonConfigurationProvider))
        {
            if (provider.GetChildKeys([], null).Contains(Section, StringComparer.OrdinalIgnoreCase))
            {
                var key = Section;
                while (provider.GetChildKeys([], key).FirstOrDefault() is { } child)
                {
                    key = $"{key}:{child}";
                }

                throw new UsageException($"invalid configuration:\n  {Section} (from {layers.Describe(provider, key)}): alert rules are read from the configuration file only");
            }
        }

        if (layers.File is null)
        {
            return [];
        }

        // The configuration layer has read this file already, so it is JSON; the rules need it as JSON, not as flattened keys.
        using var document = JsonDocument.Parse(File.ReadAllText(layers.File),
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var section = document.RootElement.ValueKind == JsonValueKind.Object
            ? document.RootElement.EnumerateObject().FirstOrDefault(property => string.Equals(property.Name, Section, StringComparison.OrdinalIgnoreCase))
            : default;
        if (section.Value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return [];
        }

        try
        {
            return AlertRuleDocument.Parse(section.Value.GetRawText(), $"{Section} (from {layers.File})");
        }
        catch (FormatException problem)
        {
            throw new UsageException("invalid configuration:\n  " + problem.Message);
        }
    }
}
