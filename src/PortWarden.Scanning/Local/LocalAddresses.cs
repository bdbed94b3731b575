using System.Net;
using System.Net.Sockets;

namespace PortWarden.Scanning.Local;

/// <summary>One spelling per bind address, whichever source reported it.</summary>
internal static class LocalAddresses
{
    /// <summary>
    /// An IPv4-mapped IPv6 address (::ffff:127.0.0.1, an IPv6 socket bound to an IPv4 address) becomes the IPv4
    /// address it accepts connections on; an IPv6 scope (fe80::1%eth0) is dropped, since /proc/net does not show
    /// it and interface addresses must compare equal to bind addresses.
    /// </summary>
    public static IPAddress Normalize(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        if (address.ScopeId == 0)
        {
            return address;
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        return new IPAddress(bytes);
    }
}
