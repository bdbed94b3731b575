using System.Globalization;
using System.Net.Sockets;
using PortWarden.Core.Targets;

namespace PortWarden.Scanning.Nmap;

/// <summary>Writes target entries in nmap's target syntax: addresses, CIDR blocks and octet patterns.</summary>
internal static class NmapTargets
{
    public static AddressFamily FamilyOf(TargetEntry entry) => entry switch
    {
        SingleAddressEntry single => single.Address.AddressFamily,
        AddressRangeEntry range => range.Family,
        OctetPatternEntry => AddressFamily.InterNetwork,
        _ => throw new InvalidOperationException($"target '{entry.Token}' must be resolved before nmap can scan it"),
    };

    /// <summary>The entry as nmap targets. A range that is not one CIDR block becomes the blocks that cover it exactly.</summary>
    public static IEnumerable<string> Include(TargetEntry entry) => entry switch
    {
        OctetPatternEntry pattern => [Pattern(pattern)],
        _ => Blocks(entry),
    };

    /// <summary>
    /// The entry for --exclude, which nmap splits at commas: an octet pattern with lists ("10.0.1,3.5") becomes
    /// one comma-free pattern per combination of its ranges.
    /// </summary>
    public static IEnumerable<string> Exclude(TargetEntry entry) => entry switch
    {
        OctetPatternEntry pattern => CommaFreePatterns(pattern),
        _ => Blocks(entry),
    };

    /// <summary>
    /// True when two entries may name the same address (nmap would scan it twice). Compares the entries'
    /// address intervals, never their addresses, so it is instant for any size; an octet pattern counts as
    /// the interval from its lowest to its highest address, so "may" errs towards true.
    /// </summary>
    public static bool MayOverlap(IReadOnlyList<TargetEntry> entries)
    {
        var bounds = entries.Select(Bounds).ToList();
        for (var i = 0; i < bounds.Count; i++)
        {
            for (var j = i + 1; j < bounds.Count; j++)
            {
                if (bounds[i].Family == bounds[j].Family && bounds[i].First <= bounds[j].Last && bounds[j].First <= bounds[i].Last)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static (AddressFamily Family, UInt128 First, UInt128 Last) Bounds(TargetEntry entry)
    {
        switch (entry)
        {
            case SingleAddressEntry single:
                var value = Number(single.Address.GetAddressBytes());
                return (single.Address.AddressFamily, value, value);
            case AddressRangeEntry range:
                return (range.Family, range.First, range.Last);
            case OctetPatternEntry pattern:
                var low = Enumerable.Range(0, 4).Select(octet => (byte)pattern.OctetRanges(octet)[0].First).ToArray();
                var high = Enumerable.Range(0, 4).Select(octet => (byte)pattern.OctetRanges(octet)[^1].Last).ToArray();
                return (AddressFamily.InterNetwork, Number(low), Number(high));
            default:
                throw new InvalidOperationException($"target '{entry.Token}' must be resolved before nmap can scan it");
        }

        static UInt128 Number(byte[] bytes) => bytes.Aggregate(UInt128.Zero, (number, b) => (number << 8) | b);
    }

    private static IEnumerable<string> Blocks(TargetEntry entry) => entry switch
    {
        SingleAddressEntry single => [single.Address.ToString()],
        AddressRangeEntry range => range.CidrBlocks().Select(block =>
            block.PrefixLength == (range.Family == AddressFamily.InterNetwork ? 32 : 128)
                ? block.Network.ToString()
                : string.Create(CultureInfo.InvariantCulture, $"{block.Network}/{block.PrefixLength}")),
        _ => throw new InvalidOperationException($"target '{entry.Token}' must be resolved before nmap can scan it"),
    };

    private static string Pattern(OctetPatternEntry pattern) =>
        string.Join('.', Enumerable.Range(0, 4).Select(octet => string.Join(',', pattern.OctetRanges(octet).Select(Range))));

    private static IEnumerable<string> CommaFreePatterns(OctetPatternEntry pattern)
    {
        IEnumerable<string> prefixes = [""];
        for (var octet = 0; octet < 4; octet++)
        {
            var ranges = pattern.OctetRanges(octet);
            var separator = octet == 0 ? "" : ".";
            prefixes = prefixes.SelectMany(prefix => ranges.Select(range => prefix + separator + Range(range))).ToList();
        }

        return prefixes;
    }

    private static string Range((int First, int Last) range) => range.First == range.Last
        ? range.First.ToString(CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"{range.First}-{range.Last}");
}
