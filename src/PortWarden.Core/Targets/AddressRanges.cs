using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PortWarden.Core.Targets;

/// <summary>
/// A set of addresses kept as sorted, merged ranges, compact for the usual case of whole blocks: what a device's
/// polls have decided so far. Written as comma-separated addresses and inclusive ranges ("10.0.0.1-10.0.0.200,::1").
/// </summary>
public sealed class AddressRanges
{
    private readonly List<(AddressFamily Family, UInt128 First, UInt128 Last)> ranges;

    private AddressRanges(List<(AddressFamily, UInt128, UInt128)> ranges) => this.ranges = ranges;

    public static AddressRanges Empty { get; } = new([]);

    public bool IsEmpty => ranges.Count == 0;

    /// <summary>Reads the text <see cref="ToString"/> writes; null or empty is the empty set.</summary>
    public static AddressRanges Parse(string? text)
    {
        var builder = new Builder();
        foreach (var part in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var dash = part.IndexOf('-', StringComparison.Ordinal);
            var first = ParseAddress(dash < 0 ? part : part[..dash], text!);
            var last = dash < 0 ? first : ParseAddress(part[(dash + 1)..], text!);
            if (first.AddressFamily != last.AddressFamily)
            {
                throw new FormatException($"address range '{part}' mixes IPv4 and IPv6");
            }

            builder.Add(first.AddressFamily, IpNumber.From(first), IpNumber.From(last));
        }

        return builder.Build();
    }

    public bool Contains(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var family = address.AddressFamily;
        var value = IpNumber.From(address);
        int low = 0, high = ranges.Count - 1;
        while (low <= high)
        {
            var middle = (low + high) / 2;
            var (f, first, last) = ranges[middle];
            var order = f != family ? f.CompareTo(family) : first > value ? 1 : last < value ? -1 : 0;
            if (order == 0)
            {
                return true;
            }

            (low, high) = order < 0 ? (middle + 1, high) : (low, middle - 1);
        }

        return false;
    }

    /// <summary>This set with the other's addresses added.</summary>
    public AddressRanges Union(AddressRanges other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.IsEmpty)
        {
            return this;
        }

        var builder = new Builder();
        foreach (var (family, first, last) in ranges.Concat(other.ranges))
        {
            builder.Add(family, first, last);
        }

        return builder.Build();
    }

    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var (family, first, last) in ranges)
        {
            text.Append(text.Length == 0 ? "" : ",").Append(IpNumber.ToAddress(first, family));
            if (last != first)
            {
                text.Append('-').Append(IpNumber.ToAddress(last, family));
            }
        }

        return text.ToString();
    }

    private static IPAddress ParseAddress(string text, string whole) =>
        IPAddress.TryParse(text, out var address) && address.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6
            ? (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address)
            : throw new FormatException($"'{text}' in address ranges '{whole}' is not an IP address");

    /// <summary>Collects addresses in any order; adjacent and overlapping ones merge when built.</summary>
    public sealed class Builder
    {
        private readonly List<(AddressFamily Family, UInt128 First, UInt128 Last)> parts = [];

        public void Add(IPAddress address)
        {
            ArgumentNullException.ThrowIfNull(address);
            var value = IpNumber.From(address);
            // Addresses usually arrive in order: extend the last range instead of growing the list.
            if (parts.Count > 0 && parts[^1] is var (family, first, last) && family == address.AddressFamily && last != UInt128.MaxValue && last + 1 == value)
            {
                parts[^1] = (family, first, value);
                return;
            }

            Add(address.AddressFamily, value, value);
        }

        internal void Add(AddressFamily family, UInt128 first, UInt128 last) => parts.Add((family, UInt128.Min(first, last), UInt128.Max(first, last)));

        public AddressRanges Build()
        {
            var sorted = parts.OrderBy(p => p.Family).ThenBy(p => p.First).ToList();
            var merged = new List<(AddressFamily, UInt128, UInt128)>();
            foreach (var (family, first, last) in sorted)
            {
                if (merged.Count > 0 && merged[^1] is var (f, start, end) && f == family && (end == UInt128.MaxValue || first <= end + 1))
                {
                    merged[^1] = (f, start, UInt128.Max(end, last));
                }
                else
                {
                    merged.Add((family, first, last));
                }
            }

            return new AddressRanges(merged);
        }
    }
}
