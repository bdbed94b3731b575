using System.Text.Json;
using System.Text.Json.Serialization;

namespace PortWarden.Core.Alerts;

/// <summary>
/// Alert rules as a JSON document — one rule, an array of rules, or {"alertRules": [...]} inside a larger config
/// file — in the shape the API takes. Unknown fields are errors, and every error names its JSON path.
/// </summary>
public static class AlertRuleDocument
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        // Rules are written by hand in files (and the configuration file allows both).
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };

    /// <summary>The rules in <paramref name="json"/>, each validated; throws <see cref="FormatException"/> naming the first problem and where it is.</summary>
    public static IReadOnlyList<AlertRule> Parse(string json, string source = "alert rules")
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            root = document.RootElement.Clone();
        }
        catch (JsonException error)
        {
            throw new FormatException($"{source}: not JSON ({error.Message})", error);
        }

        var (elements, path) = root.ValueKind switch
        {
            JsonValueKind.Array => (root.EnumerateArray().ToList(), "$"),
            JsonValueKind.Object when root.TryGetProperty("alertRules", out var list) && list.ValueKind == JsonValueKind.Array => (list.EnumerateArray().ToList(), "$.alertRules"),
            JsonValueKind.Object => ([root], null),
            _ => throw new FormatException($"{source}: expected a rule, an array of rules or {{\"alertRules\": [...]}}"),
        };

        var rules = new List<AlertRule>();
        for (var i = 0; i < elements.Count; i++)
        {
            var where = path is null ? "$" : $"{path}[{i}]";
            AlertRule rule;
            try
            {
                rule = elements[i].Deserialize<AlertRule>(Options) ?? throw new FormatException($"{source}: {where} is null");
            }
            catch (JsonException error)
            {
                throw new FormatException($"{source}: {where}{error.Path?.TrimStart('$')}: {error.Message}", error);
            }

            if (AlertRuleValidation.Problems(rule) is { Count: > 0 } problems)
            {
                throw new FormatException($"{source}: {string.Join("; ", problems.Select(p => $"{where}.{p.Field}: {p.Message}"))}");
            }

            rules.Add(rule with { Id = 0, CreatedAt = default });
        }

        var duplicate = rules.GroupBy(r => r.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        return duplicate is null ? rules : throw new FormatException($"{source}: two rules are called '{duplicate.Key}'");
    }

    /// <summary>A rule as JSON (what the store keeps and `alerts list --format json` prints).</summary>
    public static string Serialize(AlertRule rule) => JsonSerializer.Serialize(rule, Options);

    /// <summary>What a rule says, without its identity (id, creation time): what stores keep, and what tells two rules apart.</summary>
    public static string Definition(AlertRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return Serialize(rule with { Id = 0, CreatedAt = default });
    }

    public static AlertRule Deserialize(string json) => JsonSerializer.Deserialize<AlertRule>(json, Options) ?? throw new FormatException("a stored rule is null");
}
