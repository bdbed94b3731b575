using System.Collections.Frozen;

namespace PortWarden.Scanning.Udp.Payloads;

/// <summary>
/// The protocol probes, by port. A port with several probes (SNMP's versions) gets them in turn, one per
/// attempt; a port without one gets an empty datagram, which is enough to draw an ICMP port unreachable from a
/// closed port and an answer from services that reply to anything.
/// </summary>
internal static class UdpPayloads
{
    public static IReadOnlyList<IUdpPayload> All { get; } =
    [
        new EchoPayload(),
        new DnsPayload(),
        new DhcpPayload(),
        new TftpPayload(),
        RpcPayload.Portmapper,
        new NtpPayload(),
        new NetBiosNamePayload(),
        SnmpPayload.V2c,
        SnmpPayload.V3,
        SnmpPayload.V1,
        new XdmcpPayload(),
        IkePayload.Isakmp,
        new OpenVpnPayload(),
        new MsSqlBrowserPayload(),
        new SsdpPayload(),
        RpcPayload.Nfs,
        new StunPayload(),
        IkePayload.NatTraversal,
        new SipPayload(),
        new NatPmpPayload(),
        new MdnsPayload(),
        new CoapPayload(),
        new MemcachedPayload(),
    ];

    private static readonly FrozenDictionary<int, IUdpPayload[]> ByPort = All
        .SelectMany(payload => payload.Ports.Select(port => (port, payload)))
        .GroupBy(pair => pair.port)
        .ToFrozenDictionary(group => group.Key, group => group.Select(pair => pair.payload).ToArray());

    /// <summary>The probes of a port, in the order attempts use them; empty for ports without a protocol probe.</summary>
    public static IReadOnlyList<IUdpPayload> For(int port) => ByPort.TryGetValue(port, out var payloads) ? payloads : [];

    /// <summary>The probe of attempt <paramref name="attempt"/> (0-based) of a port, or null for an empty datagram.</summary>
    public static IUdpPayload? ForAttempt(int port, int attempt)
    {
        var payloads = For(port);
        return payloads.Count == 0 ? null : payloads[attempt % payloads.Count];
    }

    /// <summary>Recognises an answer from <paramref name="port"/> with that port's probes; null when none knows it.</summary>
    public static ServiceMatch? Recognise(int port, ReadOnlySpan<byte> answer)
    {
        foreach (var payload in For(port))
        {
            if (payload.Recognise(answer) is { } match)
            {
                return match;
            }
        }

        return null;
    }
}
