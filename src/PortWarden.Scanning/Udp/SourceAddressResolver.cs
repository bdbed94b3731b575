using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using PortWarden.Core;
using PortWarden.Core.Scanning;
using PortWarden.Core.Targets;

namespace PortWarden.Scanning.Udp;

/// <summary>
/// Turns a <see cref="SourceAddressSpec"/> into the addresses each target is probed from, and checks that they
/// belong to this machine (a socket can only be bound to a local address).
/// </summary>
public sealed class SourceAddressResolver
{
    private readonly SourceAddressSpec? spec;
    private readonly Dictionary<IPAddress, IReadOnlyList<IPAddress>> byLocalAddress = [];

    public SourceAddressResolver(SourceAddressSpec? spec) => this.spec = spec;

    /// <summary>
    /// The source addresses for <paramref name="target"/>: the explicit ones of its family (none: the system's
    /// choice), or the first N addresses of the interface that routes to it. Throws <see cref="IOException"/> when
    /// that interface has fewer than N.
    /// </summary>
    public IReadOnlyList<IPAddress> For(IPAddress target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (spec is null)
        {
            return [];
        }

        if (spec.Count is not { } count)
        {
            return spec.Addresses.Where(address => address.AddressFamily == target.AddressFamily).ToList();
        }

        var local = LocalAddressTowards(target);
        if (byLocalAddress.TryGetValue(local, out var cached))
        {
            return cached;
        }

        var (name, addresses) = InterfaceOf(local);
        if (addresses.Count < count)
        {
            throw new IOException(
                $"--source-addresses {count}: interface {name}, which reaches {target}, has only {addresses.Count} {Family(target)} address(es)");
        }

        return byLocalAddress[local] = addresses.Take(count).ToList();
    }

    /// <summary>Checks that every explicit source address is assigned to this machine; throws <see cref="SpecFormatException"/> naming the first that is not.</summary>
    public static void Validate(SourceAddressSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Count is not null)
        {
            return;
        }

        var local = AllLocalAddresses();
        foreach (var entry in TargetSpec.Parse(spec.Text, "source address").Entries)
        {
            foreach (var address in entry.Enumerate().Select(target => target.Address))
            {
                if (!local.Contains(address))
                {
                    throw new SpecFormatException("source address", spec.Text, entry.Token, entry.Position,
                        $"{address} is not an address of this machine (probes can only be sent from local addresses)");
                }
            }
        }
    }

    private static HashSet<IPAddress> AllLocalAddresses() => NetworkInterface.GetAllNetworkInterfaces()
        .SelectMany(nic => nic.GetIPProperties().UnicastAddresses)
        .Select(unicast => Normalize(unicast.Address))
        .ToHashSet();

    /// <summary>The address this machine sends from to reach <paramref name="target"/> (a route lookup; nothing is sent).</summary>
    private static IPAddress LocalAddressTowards(IPAddress target)
    {
        using var socket = new Socket(target.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.Connect(new IPEndPoint(target, 9));
        return Normalize(((IPEndPoint)socket.LocalEndPoint!).Address);
    }

    /// <summary>The interface holding <paramref name="local"/>, and its usable addresses of the same family in ascending order.</summary>
    private static (string Name, List<IPAddress> Addresses) InterfaceOf(IPAddress local)
    {
        foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            var addresses = nic.GetIPProperties().UnicastAddresses.Select(unicast => Normalize(unicast.Address)).ToList();
            if (addresses.Contains(local))
            {
                return (nic.Name, addresses
                    .Where(address => address.AddressFamily == local.AddressFamily && !address.IsIPv6LinkLocal)
                    .Distinct()
                    .Order(AddressComparer.Instance)
                    .ToList());
            }
        }

        return ("(unknown)", [local]);
    }

    private static IPAddress Normalize(IPAddress address) => address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0
        ? new IPAddress(address.GetAddressBytes())
        : address;

    private static string Family(IPAddress address) => address.AddressFamily == AddressFamily.InterNetwork ? "IPv4" : "IPv6";
}
