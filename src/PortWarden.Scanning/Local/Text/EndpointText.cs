using System.Globalization;
using System.Net;

namespace PortWarden.Scanning.Local.Text;

/// <summary>
/// "address:port" as ss and netstat print it: 0.0.0.0:22, [::]:22, :::22 (netstat), *:22 (ss: a dual-stack
/// socket bound to every address), 127.0.0.53%lo:53 and [fe80::1%eth0]:123 (bound to a device or scope).
/// </summary>
internal static class EndpointText
{
    public static bool TryParse(string text, out IPAddress address, out int port)
    {
        address = IPAddress.None;
        port = 0;
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535)
        {
            return false;
        }

        var host = text.AsSpan(0, colon);
        if (host.Length > 2 && host[0] == '[' && host[^1] == ']')
        {
            host = host[1..^1];
        }

        var percent = host.IndexOf('%');
        if (percent >= 0)
        {
            host = host[..percent];
        }

        if (host is "*")
        {
            address = IPAddress.IPv6Any;
            return true;
        }

        if (!IPAddress.TryParse(host, out var parsed) || host.Contains('[') || host.Contains(']'))
        {
            return false;
        }

        address = LocalAddresses.Normalize(parsed);
        return true;
    }
}
