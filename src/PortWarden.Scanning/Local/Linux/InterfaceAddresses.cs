using System.Net;
using System.Runtime.InteropServices;

namespace PortWarden.Scanning.Local.Linux;

/// <summary>
/// This host's interface addresses from getifaddrs(3): what .NET's NetworkInterface reads too, without the
/// per-interface statistics and /proc/sys settings it also loads.
/// </summary>
internal static unsafe partial class InterfaceAddresses
{
    private const ushort FamilyIPv4 = 2;
    private const ushort FamilyIPv6 = 10;

    /// <summary>The IPv4 and IPv6 addresses of every interface, or null when getifaddrs fails.</summary>
    public static List<IPAddress>? Read()
    {
        nint list;
        if (GetInterfaceAddresses(&list) != 0)
        {
            return null;
        }

        try
        {
            var addresses = new List<IPAddress>();

            // struct ifaddrs: ifa_next, ifa_name, ifa_flags (padded to a pointer), ifa_addr, ...
            for (var entry = list; entry != 0; entry = *(nint*)entry)
            {
                var address = *(byte**)(entry + (3 * sizeof(nint)));
                if (address == null)
                {
                    continue;
                }

                switch (*(ushort*)address)
                {
                    case FamilyIPv4:
                        addresses.Add(new IPAddress(new ReadOnlySpan<byte>(address + 4, 4)));
                        break;
                    case FamilyIPv6:
                        addresses.Add(new IPAddress(new ReadOnlySpan<byte>(address + 8, 16)));
                        break;
                }
            }

            return addresses;
        }
        finally
        {
            FreeInterfaceAddresses(list);
        }
    }

    [LibraryImport("libc", EntryPoint = "getifaddrs")]
    private static partial int GetInterfaceAddresses(nint* list);

    [LibraryImport("libc", EntryPoint = "freeifaddrs")]
    private static partial void FreeInterfaceAddresses(nint list);
}
