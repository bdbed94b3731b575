using System.Net;
using System.Net.NetworkInformation;

namespace PortWarden.Scanning.Local;

/// <summary>
/// The "hosts" of a self-scan are the addresses sockets can bind to: the wildcards, the loopback addresses and
/// every address of every interface. Each is reported, with or without sockets, so that a port that goes away
/// is seen closed on the address it was bound to.
/// </summary>
internal static class LocalHosts
{
    public static IReadOnlyList<IPAddress> Always { get; } = [IPAddress.Any, IPAddress.IPv6Any, IPAddress.Loopback, IPAddress.IPv6Loopback];

    /// <summary>The wildcards, loopbacks and interface addresses of this host (interfaces up or down).</summary>
    public static IEnumerable<IPAddress> OfThisHost(LocalWarnings warnings)
    {
        IEnumerable<IPAddress>? interfaces = OperatingSystem.IsLinux() ? Linux.InterfaceAddresses.Read() : null;
        try
        {
            interfaces ??= NetworkInterface.GetAllNetworkInterfaces()
                .SelectMany(adapter => adapter.GetIPProperties().UnicastAddresses)
                .Select(unicast => unicast.Address)
                .ToList();
        }
        catch (NetworkInformationException error)
        {
            warnings.Warn("interfaces", $"cannot list the network interfaces ({error.Message}): only wildcard and loopback addresses are reported");
            interfaces = [];
        }

        return Always.Concat(interfaces.Select(LocalAddresses.Normalize));
    }
}
