using System.ComponentModel;
using System.Reflection;

namespace PortWarden.Cli.Configuration;

/// <summary>
/// The keys a settings class accepts, read from its public properties: scalars (string, int, bool), lists of scalars
/// and nested settings classes. The one description of the configuration that loading, validation, printing and the
/// configuration reference (docs/configuration.md) all use.
/// </summary>
internal sealed record SettingsSchema(Type Type)
{
    /// <summary>
    /// The top-level sections of a configuration file; "Logging" is passed to .NET's logging as it is, and "AlertRules"
    /// (rules in the API's JSON shape) is read from the file by <see cref="ConfiguredAlertRules"/>.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, SettingsSchema?> Sections = new Dictionary<string, SettingsSchema?>(StringComparer.OrdinalIgnoreCase)
    {
        [HubSettings.Section] = new(typeof(HubSettings)),
        [AgentSettings.Section] = new(typeof(AgentSettings)),
        ["Logging"] = null,
        [ConfiguredAlertRules.Section] = null,
    };

    public IEnumerable<PropertyInfo> Properties => Type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite);

    public PropertyInfo? Find(string key) => Properties.FirstOrDefault(p => string.Equals(p.Name, key, StringComparison.OrdinalIgnoreCase));

    /// <summary>Every leaf setting of <paramref name="instance"/> with its path below <paramref name="prefix"/> and its value, nested classes flattened.</summary>
    public IEnumerable<(string Path, PropertyInfo Property, object? Value)> Leaves(string prefix, object instance)
    {
        foreach (var property in Properties)
        {
            var path = $"{prefix}:{property.Name}";
            var value = property.GetValue(instance);
            if (IsNested(property.PropertyType))
            {
                foreach (var leaf in new SettingsSchema(property.PropertyType).Leaves(path, value ?? Activator.CreateInstance(property.PropertyType)!))
                {
                    yield return leaf;
                }
            }
            else
            {
                yield return (path, property, value);
            }
        }
    }

    public static bool IsNested(Type type) => type.IsClass && type != typeof(string) && !IsList(type);

    public static bool IsList(Type type) => type.IsArray;

    public static Type ScalarType(Type type) => type.IsArray ? type.GetElementType()! : Nullable.GetUnderlyingType(type) ?? type;

    /// <summary>The value a configuration string stands for, or why it stands for none.</summary>
    public static bool TryConvert(string text, Type type, out string? reason)
    {
        var scalar = ScalarType(type);
        reason = null;
        if (scalar == typeof(string))
        {
            return true;
        }

        try
        {
            _ = TypeDescriptor.GetConverter(scalar).ConvertFromInvariantString(text);
            return true;
        }
        catch (Exception error) when (error is FormatException or ArgumentException or NotSupportedException or OverflowException)
        {
            reason = scalar == typeof(int) ? "is not a whole number" : scalar == typeof(bool) ? "is not true or false" : $"is not a {scalar.Name}";
            return false;
        }
    }

    /// <summary>How the configuration reference names a setting's type.</summary>
    public static string TypeName(Type type)
    {
        var scalar = ScalarType(type);
        var name = scalar == typeof(int) ? "integer" : scalar == typeof(bool) ? "boolean" : "string";
        return IsList(type) ? $"list of {name}s" : name;
    }
}
