using System.ComponentModel.DataAnnotations;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace PortWarden.Cli.Configuration;

/// <summary>
/// Reads one section of the layered configuration into its settings class and refuses to start on anything wrong:
/// an unknown key anywhere (a typo is not silently ignored), a value of the wrong type, a value its validation
/// attributes reject. Each problem names the key's path, where it was set (file, variable or flag) and why.
/// </summary>
internal static class SettingsLoader
{
    public static T Load<T>(ConfigurationLayers layers, string section)
        where T : class, new()
    {
        var schema = new SettingsSchema(typeof(T));
        var problems = UnknownKeys(layers).Concat(UnreadableValues(layers, section, schema)).ToList();
        var settings = new T();
        if (problems.Count == 0)
        {
            // The checks above leave the binder nothing to complain about; it stays strict in case they miss something.
            layers.Root.GetSection(section).Bind(settings, binder => binder.ErrorOnUnknownConfiguration = true);
            ClearEmptyStrings(settings);
            problems.AddRange(Invalid(layers, section, settings));
        }

        return problems.Count == 0
            ? settings
            : throw new UsageException("invalid configuration:" + string.Concat(problems.Select(problem => "\n  " + problem)));
    }

    /// <summary>Keys no settings class has, from every layer: the file's top level, sections, nested sections and lists.</summary>
    private static IEnumerable<string> UnknownKeys(ConfigurationLayers layers)
    {
        foreach (var provider in layers.Root.Providers)
        {
            foreach (var key in ChildKeys(provider, null))
            {
                if (SettingsSchema.Sections.TryGetValue(key, out var schema))
                {
                    foreach (var problem in schema is null ? [] : Walk(layers, provider, key, schema.Type))
                    {
                        yield return problem;
                    }
                }
                else if (!ConfigurationLayers.IsOtherVariable(provider, key))
                {
                    yield return $"{key} (from {layers.Describe(provider, key)}): unknown section; known: {string.Join(", ", SettingsSchema.Sections.Keys)}";
                }
            }
        }
    }

    private static IEnumerable<string> Walk(ConfigurationLayers layers, IConfigurationProvider provider, string path, Type type)
    {
        var schema = new SettingsSchema(type);
        foreach (var key in ChildKeys(provider, path))
        {
            var child = $"{path}:{key}";
            var source = layers.Describe(provider, child);
            var hasChildren = ChildKeys(provider, child).Any();
            if (type.IsArray)
            {
                if (!int.TryParse(key, out _) || hasChildren)
                {
                    yield return $"{child} (from {source}): a list holds values only";
                }

                continue;
            }

            var property = schema.Find(key);
            if (property is null)
            {
                yield return $"{child} (from {source}): unknown key; {path} has {string.Join(", ", schema.Properties.Select(p => p.Name))}";
            }
            else if (SettingsSchema.IsNested(property.PropertyType) || SettingsSchema.IsList(property.PropertyType))
            {
                if (provider.TryGet(child, out var value) && !string.IsNullOrEmpty(value))
                {
                    yield return $"{child} (from {source}): expects {(SettingsSchema.IsList(property.PropertyType) ? "a list of values" : "a section of keys")}, not a single value";
                }

                foreach (var problem in Walk(layers, provider, child, property.PropertyType))
                {
                    yield return problem;
                }
            }
            else if (hasChildren)
            {
                yield return $"{child} (from {source}): expects a single value, not a section or list";
            }
        }
    }

    /// <summary>Values of the section in use that do not convert to their setting's type (the value that applies, from the top layer that has it).</summary>
    private static IEnumerable<string> UnreadableValues(ConfigurationLayers layers, string section, SettingsSchema schema)
    {
        foreach (var (path, property, _) in schema.Leaves(section, Activator.CreateInstance(schema.Type)!))
        {
            var values = SettingsSchema.IsList(property.PropertyType)
                ? layers.Root.GetSection(path).GetChildren().Select(element => (element.Path, element.Value))
                : [(path, layers.Root[path])];
            foreach (var (valuePath, value) in values)
            {
                if (!string.IsNullOrEmpty(value) && !SettingsSchema.TryConvert(value, property.PropertyType, out var reason))
                {
                    yield return Problem(layers, valuePath, property, value, reason!);
                }
            }
        }
    }

    /// <summary>What the settings' validation attributes (each list element on its own) and cross-checks reject.</summary>
    private static IEnumerable<string> Invalid(ConfigurationLayers layers, string section, object settings)
    {
        var schema = new SettingsSchema(settings.GetType());
        var failed = false;
        foreach (var (path, property, value) in schema.Leaves(section, settings))
        {
            var elements = value is Array array && SettingsSchema.IsList(property.PropertyType)
                ? array.Cast<object?>().Select((element, index) => ($"{path}:{index}", element))
                : [(path, value)];
            foreach (var attribute in property.GetCustomAttributes<ValidationAttribute>())
            {
                foreach (var (elementPath, element) in elements)
                {
                    if (!attribute.IsValid(element))
                    {
                        failed = true;
                        yield return Problem(layers, elementPath, property, element, attribute.FormatErrorMessage(property.Name));
                    }
                }
            }
        }

        // Cross-checks between settings run once each setting is valid on its own, as DataAnnotations' Validator does.
        if (!failed && settings is IValidatableObject validatable)
        {
            foreach (var result in validatable.Validate(new ValidationContext(settings)))
            {
                var path = $"{section}:{result.MemberNames.FirstOrDefault()}";
                yield return Problem(layers, path, PropertyAt(schema, path[(section.Length + 1)..]), layers.Root[path], result.ErrorMessage ?? "is invalid");
            }
        }
    }

    private static string Problem(ConfigurationLayers layers, string path, PropertyInfo? property, object? value, string reason)
    {
        var shown = property?.GetCustomAttribute<SecretAttribute>() is not null || value is null ? "" : $"'{Display(property, value)}' ";
        return $"{path} (from {layers.SourceOf(path) ?? "the default"}): {shown}{reason}";
    }

    /// <summary>A value as messages and --check-config show it: secrets hidden, passwords out of database locations.</summary>
    public static string Display(PropertyInfo? property, object value)
    {
        if (property?.GetCustomAttribute<SecretAttribute>() is not null)
        {
            return "(hidden)";
        }

        var text = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "";
        return property?.GetCustomAttribute<DatabaseLocationAttribute>() is not null ? DatabaseLocationAttribute.Display(text) : text;
    }

    /// <summary>The property a relative path (Certificate:KeyPath, Urls:0) ends on.</summary>
    private static PropertyInfo? PropertyAt(SettingsSchema schema, string relative)
    {
        PropertyInfo? property = null;
        foreach (var segment in relative.Split(':').Where(segment => !int.TryParse(segment, out _)))
        {
            property = schema.Find(segment);
            if (property is null)
            {
                return null;
            }

            schema = new SettingsSchema(property.PropertyType);
        }

        return property;
    }

    /// <summary>An empty value ("" or JSON null) means "not set", as leaving the key out does.</summary>
    private static void ClearEmptyStrings(object settings)
    {
        foreach (var property in new SettingsSchema(settings.GetType()).Properties)
        {
            if (property.PropertyType == typeof(string) && property.GetValue(settings) is "")
            {
                property.SetValue(settings, null);
            }
            else if (SettingsSchema.IsNested(property.PropertyType) && property.GetValue(settings) is { } nested)
            {
                ClearEmptyStrings(nested);
            }
        }
    }

    private static IEnumerable<string> ChildKeys(IConfigurationProvider provider, string? path) =>
        provider.GetChildKeys([], path).Distinct(StringComparer.OrdinalIgnoreCase);
}
