using System.Text.Json;
using System.Text.Json.Serialization;

namespace PortWarden.Agent.Wire;

/// <summary>The JSON conventions of the hub's API: web defaults (camelCase).</summary>
public static class WireJson
{
    /// <summary>For what agents read and keep: unknown members are ignored, so a newer hub does not break an older agent.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web);

    /// <summary>For what the hub reads: unknown members are refused, so a typo in a field name is an error, not a silent default.</summary>
    public static JsonSerializerOptions Strict { get; } = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };
}
