using System.Text;

namespace PortWarden.Scanning.Udp.Payloads;

/// <summary>Text helpers for recognisers: printable renderings of protocol strings and header lookups in text protocols.</summary>
internal static class WireText
{
    /// <summary>The bytes as ASCII with unprintable characters replaced, trimmed, at most <paramref name="max"/> characters.</summary>
    public static string Printable(ReadOnlySpan<byte> bytes, int max = 200)
    {
        var text = new StringBuilder(Math.Min(bytes.Length, max));
        foreach (var b in bytes[..Math.Min(bytes.Length, max)])
        {
            text.Append(b is >= 0x20 and < 0x7f ? (char)b : b is (byte)'\r' or (byte)'\n' or (byte)'\t' ? ' ' : '.');
        }

        return text.ToString().Trim();
    }

    /// <summary>The value of header <paramref name="name"/> in an HTTP-like message ("Name: value" lines), or null.</summary>
    public static string? Header(string message, string name)
    {
        foreach (var line in message.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line.AsSpan(0, colon).Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return line[(colon + 1)..].Trim();
            }
        }

        return null;
    }

    /// <summary>Splits "product/1.2 rest" or "product-1.2" or "product 1.2" into product and version where the text has that shape.</summary>
    public static (string Product, string? Version) ProductAndVersion(string text)
    {
        var trimmed = text.Trim();
        foreach (var separator in new[] { '/', '-', ' ' })
        {
            var index = trimmed.IndexOf(separator, StringComparison.Ordinal);
            if (index > 0 && index + 1 < trimmed.Length && char.IsAsciiDigit(trimmed[index + 1]))
            {
                var version = trimmed[(index + 1)..].Split(' ', 2)[0];
                return (trimmed[..index], version);
            }
        }

        return (trimmed, null);
    }
}
