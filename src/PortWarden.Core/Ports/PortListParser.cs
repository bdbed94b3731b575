using System.Globalization;

namespace PortWarden.Core.Ports;

/// <summary>Parses one nmap-style comma-separated port list into ranges, reporting the exact item and position of any error.</summary>
internal static class PortListParser
{
    public static List<PortRange> Parse(string text, string kind, ServiceTable services)
    {
        var ranges = new List<PortRange>();
        var protocols = PortProtocols.Both;
        var start = 0;
        while (start <= text.Length)
        {
            var comma = text.IndexOf(',', start);
            var end = comma < 0 ? text.Length : comma;
            var raw = text[start..end];
            var item = raw.Trim();
            var position = start + 1 + (raw.Length - raw.TrimStart().Length);
            if (item.Length == 0)
            {
                throw Error(item, position, "empty item (a comma at the start or end, or two commas in a row)");
            }

            if (item.Length >= 2 && item[1] == ':')
            {
                protocols = PrefixProtocols(item, position);
                var rest = item[2..].TrimStart();
                if (rest.Length == 0)
                {
                    throw Error(item, position, "protocol prefix without ports");
                }

                position += item.Length - rest.Length;
                item = rest;
            }

            ranges.AddRange(ParseItem(item, position, protocols));
            if (comma < 0)
            {
                break;
            }

            start = comma + 1;
        }

        return ranges;

        SpecFormatException Error(string token, int position, string reason) => new(kind, text, token, position, reason);

        PortProtocols PrefixProtocols(string item, int position) => char.ToUpperInvariant(item[0]) switch
        {
            'T' => PortProtocols.Tcp,
            'U' => PortProtocols.Udp,
            'S' => throw Error(item, position, "SCTP ports (S:) are not supported; use T: or U:"),
            'P' => throw Error(item, position, "IP protocol numbers (P:) are not supported; use T: or U:"),
            _ => throw Error(item, position, $"unknown protocol prefix '{item[..2]}'; use T: or U:"),
        };

        IEnumerable<PortRange> ParseItem(string item, int position, PortProtocols protocols)
        {
            if (item.Contains('[') || item.Contains(']'))
            {
                throw Error(item, position, "bracketed port lists are not supported; list the ports or ranges");
            }

            var dash = item.IndexOf('-');
            var looksNumeric = item.All(c => char.IsAsciiDigit(c) || c == '-');
            if (looksNumeric)
            {
                if (dash < 0)
                {
                    var port = Number(item, item, position);
                    return [new PortRange(protocols, port, port)];
                }

                if (item.IndexOf('-', dash + 1) >= 0)
                {
                    throw Error(item, position, "a range has exactly one '-'");
                }

                var first = dash == 0 ? PortRange.MinPort : Number(item[..dash], item, position);
                var last = dash == item.Length - 1 ? PortRange.MaxPort : Number(item[(dash + 1)..], item, position);
                if (first > last)
                {
                    throw Error(item, position, $"range {first}-{last} is reversed (the first port is greater than the last)");
                }

                return [new PortRange(protocols, first, last)];
            }

            if (!IsServicePattern(item))
            {
                throw Error(item, position, "not a port number, a range (a-b) or a service name");
            }

            var named = services.PortsNamed(item)
                .Where(entry => protocols.Includes(entry.Protocol))
                .Select(entry => new PortRange(entry.Protocol == Protocol.Tcp ? PortProtocols.Tcp : PortProtocols.Udp, entry.Port, entry.Port))
                .ToList();
            return named.Count > 0
                ? named
                : throw Error(item, position, protocols == PortProtocols.Both
                    ? "unknown service name"
                    : $"no {(protocols == PortProtocols.Tcp ? "TCP" : "UDP")} service has this name");
        }

        int Number(string digits, string item, int position)
        {
            if (digits.Length > 6 || !int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var port))
            {
                throw Error(item, position, $"port {digits} is out of range 1-65535");
            }

            return port switch
            {
                0 => throw Error(item, position, "port 0 is not a valid port (ports are 1-65535)"),
                > PortRange.MaxPort => throw Error(item, position, $"port {port} is out of range 1-65535"),
                _ => port,
            };
        }
    }

    private static bool IsServicePattern(string item) =>
        item[0] != '-'
        && (item.Any(char.IsAsciiLetter) || item.Contains('*') || item.Contains('?'))
        && item.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '*' or '?' or '+');
}
