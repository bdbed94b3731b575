using System.Buffers.Binary;
using PortWarden.Core.Scanning;

namespace PortWarden.Scanning.Udp.Payloads;

/// <summary>
/// DHCP (RFC 2131, options RFC 2132): a DHCPINFORM asking for configuration only, so no lease is reserved.
/// Servers normally answer to the client port 68, which a scanner does not own, so an open server is often
/// only seen as open|filtered; some (dnsmasq among them) answer the sender's port, and then it is recognised.
/// </summary>
internal sealed class DhcpPayload : IUdpPayload
{
    private const uint MagicCookie = 0x63825363;

    public string Service => "dhcps";

    public IReadOnlyList<int> Ports { get; } = [67];

    public byte[] Build(ushort id)
    {
        var packet = new byte[240 + 9];
        packet[0] = 1;      // BOOTREQUEST
        packet[1] = 1;      // Ethernet
        packet[2] = 6;      // hardware address length
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), 0x5057_0000u | id);
        packet[28] = 0x02;  // a locally administered client hardware address
        packet[29] = 0x50;
        packet[30] = 0x57;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(32), id);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(236), MagicCookie);
        byte[] options = [53, 1, 8, 55, 3, 1, 3, 6, 255]; // message type INFORM; ask for mask, router, DNS; end
        options.CopyTo(packet, 240);
        return packet;
    }

    public ServiceMatch? Recognise(ReadOnlySpan<byte> answer)
    {
        if (answer.Length < 240 || answer[0] != 2 || BinaryPrimitives.ReadUInt32BigEndian(answer[236..]) != MagicCookie)
        {
            return null;
        }

        var type = MessageType(answer[240..]);
        return new ServiceMatch(Service, new ServiceDetail("DHCP server", null, type is null ? null : $"answered {type}"));
    }

    private static string? MessageType(ReadOnlySpan<byte> options)
    {
        for (var i = 0; i + 1 < options.Length && options[i] != 255;)
        {
            if (options[i] == 0)
            {
                i++;
                continue;
            }

            if (options[i] == 53 && i + 2 < options.Length)
            {
                return options[i + 2] switch { 2 => "DHCPOFFER", 5 => "DHCPACK", 6 => "DHCPNAK", var other => $"type {other}" };
            }

            i += 2 + options[i + 1];
        }

        return null;
    }
}
