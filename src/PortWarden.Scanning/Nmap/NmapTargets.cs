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
