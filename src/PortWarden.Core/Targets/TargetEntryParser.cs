using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace PortWarden.Core.Targets;

/// <summary>Parses one target token: IPv4/IPv6 address, CIDR block, full or octet range, or host name.</summary>
internal static class TargetEntryParser
{
    public static TargetEntry Parse(string spec, string token, int position, string kind)
    {
        if (token.StartsWith('-'))
        {
            throw Error("a target cannot start with '-' (it would read as an option)");
        }

        var slash = token.LastIndexOf('/');
        if (slash >= 0)
        {
            return ParseBlock(token[..slash], token[(slash + 1)..]);
        }

        if (token.Contains(':') || token.StartsWith('['))
        {
            return ParseIPv6(token);
        }

        if (token.All(c => char.IsAsciiDigit(c) || c is '.' or '-' or '*' or ','))
        {
            return ParseIPv4(token);
        }

        if (HostNames.IsValid(token))
        {
            return new HostNameEntry(token, position, token.TrimEnd('.'), null);
        }

        throw Error("not an IPv4 or IPv6 address, a range, a CIDR block or a host name");

        SpecFormatException Error(string reason) => new(kind, spec, token, position, reason);

        TargetEntry ParseBlock(string network, string prefixText)
        {
            if (!int.TryParse(prefixText, NumberStyles.None, CultureInfo.InvariantCulture, out var prefix))
            {
                throw Error($"prefix length '{prefixText}' is not a number");
            }

            IPAddress? address = null;
            if (network.Contains(':'))
            {
                address = ParseIPv6Literal(network) ?? throw Error($"'{network}' is not an IPv6 address");
            }
            else if (TryParseDottedQuad(network, out var v4))
            {
                address = v4;
            }
            else if (HostNames.IsValid(network))
            {
                return prefix > 32
                    ? throw Error($"prefix length {prefix} is out of range 0-32 for a host name")
                    : new HostNameEntry(token, position, network.TrimEnd('.'), prefix);
            }
            else
            {
                throw Error($"'{network}' is not an address or host name");
            }

            var bits = IpNumber.BitsOf(address.AddressFamily);
            if (prefix > bits)
            {
                throw Error($"prefix length {prefix} is out of range 0-{bits}");
            }

            var (first, last) = IpNumber.Block(address, prefix);
            return new AddressRangeEntry(token, position, address.AddressFamily, first, last);
        }

        TargetEntry ParseIPv6(string text)
        {
            var dash = text.IndexOf('-');
            if (dash < 0)
            {
                var single = ParseIPv6Literal(text) ?? throw Error("not a valid IPv6 address");
                return new SingleAddressEntry(token, position, single);
            }

            var first = ParseIPv6Literal(text[..dash]) ?? throw Error($"'{text[..dash]}' is not a valid IPv6 address");
            var last = ParseIPv6Literal(text[(dash + 1)..]) ?? throw Error($"'{text[(dash + 1)..]}' is not a valid IPv6 address");
            return Range(first, last);
        }

        TargetEntry ParseIPv4(string text)
        {
            var halves = text.Split('-');
            if (halves.Length == 2 && TryParseDottedQuad(halves[0], out var from) && TryParseDottedQuad(halves[1], out var to))
            {
                return Range(from, to);
            }

            var octetTexts = text.Split('.');
            if (octetTexts.Length != 4)
            {
                throw Error($"an IPv4 address has 4 octets separated by '.', this has {octetTexts.Length}");
            }

            var octets = new OctetSet[4];
            for (var i = 0; i < 4; i++)
            {
                octets[i] = ParseOctet(octetTexts[i], i + 1);
            }

            return octets.All(octet => octet.Count == 1)
                ? new SingleAddressEntry(token, position, new IPAddress(octets.Select(octet => octet.Values().Single()).ToArray()))
                : new OctetPatternEntry(token, position, octets);
        }

        OctetSet ParseOctet(string text, int index)
        {
            var set = new OctetSet();
            foreach (var item in text.Split(','))
            {
                if (item.Length == 0)
                {
                    throw Error($"octet {index} is empty");
                }

                if (item is "*" or "-")
                {
                    set.AddRange(0, 255);
                    continue;
                }

                var dash = item.IndexOf('-');
                if (dash != item.LastIndexOf('-') || item.Contains('*'))
                {
                    throw Error($"octet {index} item '{item}' is not a number or a range a-b");
                }

                var first = dash == 0 ? 0 : OctetValue(dash < 0 ? item : item[..dash], index);
                var last = dash < 0 ? first : dash == item.Length - 1 ? 255 : OctetValue(item[(dash + 1)..], index);
                if (first > last)
                {
                    throw Error($"octet {index} range {first}-{last} is reversed");
                }

                set.AddRange(first, last);
            }

            return set;
        }

        int OctetValue(string digits, int index) =>
            digits.Length <= 3 && int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value <= 255
                ? value
                : throw Error($"octet {index} value {digits} is out of range 0-255");

        AddressRangeEntry Range(IPAddress from, IPAddress to)
        {
            if (from.AddressFamily != to.AddressFamily)
            {
                throw Error("a range cannot mix IPv4 and IPv6");
            }

            var (first, last) = (IpNumber.From(from), IpNumber.From(to));
            return first > last
                ? throw Error($"range {from}-{to} is reversed (the first address is greater than the last)")
                : new AddressRangeEntry(token, position, from.AddressFamily, first, last);
        }
    }

    /// <summary>Strict dotted-quad IPv4 (four decimal octets), unlike IPAddress.TryParse which accepts "1" or "0x7f.1".</summary>
    internal static bool TryParseDottedQuad(string text, out IPAddress address)
    {
        address = IPAddress.None;
        var parts = text.Split('.');
        if (parts.Length != 4)
        {
            return false;
        }

        var bytes = new byte[4];
        for (var i = 0; i < 4; i++)
        {
            if (parts[i].Length is 0 or > 3 || !byte.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out bytes[i]))
            {
                return false;
            }
        }

        address = new IPAddress(bytes);
        return true;
    }

    private static IPAddress? ParseIPv6Literal(string text)
    {
        if (text.StartsWith('[') && text.EndsWith(']'))
        {
            text = text[1..^1];
        }

        return text.Contains(':') && IPAddress.TryParse(text, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6
            ? address
            : null;
    }
}
