namespace PortWarden.Core;

/// <summary>
/// Shares equal strings among the records of a large scan read from a file: the same service names, products,
/// versions and reasons repeat on thousands of ports, and one copy of each is enough. Stops pooling once it
/// holds <see cref="Capacity"/> distinct strings, so hostile input cannot grow it without bound.
/// </summary>
public sealed class StringPool
{
    public const int Capacity = 65536;

    private readonly Dictionary<string, string> strings = new(StringComparer.Ordinal);

    /// <summary>The pooled copy of <paramref name="text"/> (or <paramref name="text"/> itself once the pool is full).</summary>
    public string? Share(string? text)
    {
        if (text is null)
        {
            return null;
        }

        if (strings.TryGetValue(text, out var shared))
        {
            return shared;
        }

        if (strings.Count < Capacity)
        {
            strings[text] = text;
        }

        return text;
    }
}
