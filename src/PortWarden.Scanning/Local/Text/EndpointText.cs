using System.Globalization;
using System.Net;

namespace PortWarden.Scanning.Local.Text;

/// <summary>
/// "address:port" as ss and netstat print it: 0.0.0.0:22, [::]:22, :::22 (netstat), *:22 (ss: a dual-stack
/// socket bound to every address), 127.0.0.53%lo:53, [fe80::1]%eth0:123 (ss: bound to a device) and
/// [fe80::1%12]:123 (Windows: a scope). The device or scope is dropped, like every bind address's scope.
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

        // ss puts a device after the brackets ([fe80::1]%eth0), netstat and Windows inside them ([fe80::1%12]).
        var host = text.AsSpan(0, colon);
        var device = host.LastIndexOf('%');
        if (device > 0 && host[(device + 1)..].IndexOf(']') < 0)
        {
            host = host[..device];
        }

        if (host.Length > 2 && host[0] == '[' && host[^1] == ']')
        {
            host = host[1..^1];
        }

        var scope = host.IndexOf('%');
        if (scope >= 0)
        {
            host = host[..scope];
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
