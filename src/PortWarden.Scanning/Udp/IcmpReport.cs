using System.Net.Sockets;
using PortWarden.Core.Scanning;

namespace PortWarden.Scanning.Udp;

/// <summary>What an ICMP error (or the local error standing for one) says about a probed port.</summary>
internal enum IcmpMeaning
{
    /// <summary>Destination port unreachable: nothing listens, the port is closed.</summary>
    PortUnreachable,

    /// <summary>Communication administratively prohibited: a firewall rejected the probe.</summary>
    AdminProhibited,

    HostUnreachable,
    NetworkUnreachable,
    ProtocolUnreachable,
    TimeExceeded,

    /// <summary>Says nothing about the port (e.g. fragmentation needed, a local condition).</summary>
    Irrelevant,
}

/// <summary>An ICMP error for a probe: its meaning, and whether the target itself (not a router or this machine) sent it.</summary>
internal readonly record struct IcmpReport(IcmpMeaning Meaning, bool FromTarget)
{
    /// <summary>Classifies an ICMP (v4) or ICMPv6 error by type and code (RFC 792, 1122, 1812; RFC 4443).</summary>
    public static IcmpMeaning Classify(AddressFamily family, int type, int code)
    {
        if (family == AddressFamily.InterNetworkV6)
        {
            return type switch
            {
                1 => code switch
                {
                    0 or 6 => IcmpMeaning.NetworkUnreachable,       // no route, reject route
                    1 or 5 => IcmpMeaning.AdminProhibited,          // administratively prohibited, source address failed policy
                    4 => IcmpMeaning.PortUnreachable,
                    _ => IcmpMeaning.HostUnreachable,               // beyond scope, address unreachable
                },
                3 => IcmpMeaning.TimeExceeded,
                _ => IcmpMeaning.Irrelevant,
            };
        }

        return type switch
        {
            3 => code switch
            {
                0 or 6 or 11 => IcmpMeaning.NetworkUnreachable,
                2 => IcmpMeaning.ProtocolUnreachable,
                3 => IcmpMeaning.PortUnreachable,
                4 => IcmpMeaning.Irrelevant,                         // fragmentation needed: our probes are small
                9 or 10 or 13 => IcmpMeaning.AdminProhibited,
                _ => IcmpMeaning.HostUnreachable,
            },
            11 => IcmpMeaning.TimeExceeded,
            _ => IcmpMeaning.Irrelevant,
        };
    }

    /// <summary>What a socket error from a connected UDP socket stands for (the portable fallback: no ICMP type or code).</summary>
    public static IcmpMeaning FromSocketError(SocketError error) => error switch
    {
        SocketError.ConnectionRefused or SocketError.ConnectionReset => IcmpMeaning.PortUnreachable,
        SocketError.HostUnreachable or SocketError.HostDown => IcmpMeaning.HostUnreachable,
        SocketError.NetworkUnreachable or SocketError.NetworkDown => IcmpMeaning.NetworkUnreachable,
        SocketError.AccessDenied => IcmpMeaning.AdminProhibited,
        _ => IcmpMeaning.Irrelevant,
    };

    /// <summary>The port state and reason the error stands for.</summary>
    public (PortState State, string Reason) Verdict => Meaning switch
    {
        IcmpMeaning.PortUnreachable => (PortState.Closed, Reasons.PortUnreachable),
        IcmpMeaning.AdminProhibited => (PortState.Filtered, Reasons.AdminProhibited),
        IcmpMeaning.NetworkUnreachable => (PortState.Filtered, Reasons.NetworkUnreachable),
        IcmpMeaning.ProtocolUnreachable => (PortState.Filtered, Reasons.ProtocolUnreachable),
        IcmpMeaning.TimeExceeded => (PortState.Filtered, Reasons.TimeExceeded),
        _ => (PortState.Filtered, Reasons.HostUnreachable),
    };
}
