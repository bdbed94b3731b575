using System.Buffers.Binary;
using PortWarden.Core.Scanning;

namespace PortWarden.Scanning.Udp.Payloads;

/// <summary>
/// NetBIOS name service (RFC 1002 section 4.2.17): a node status (NBSTAT) request for the wildcard name "*",
/// which Windows and Samba answer with the table of names the machine has registered (computer, workgroup).
/// </summary>
internal sealed class NetBiosNamePayload : IUdpPayload
{
    private const ushort TypeNodeStatus = 0x21;

    public string Service => "netbios-ns";

    public IReadOnlyList<int> Ports { get; } = [137];

    public byte[] Build(ushort id)
    {
        var packet = new byte[DnsWire.HeaderLength + 34 + 4];
        BinaryPrimitives.WriteUInt16BigEndian(packet, id);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), 1);

        // First-level encoding (RFC 1001 section 14.1): "*" padded with NULs to 16 bytes, each nibble as 'A' + nibble.
        var name = new byte[16];
        name[0] = (byte)'*';
        packet[DnsWire.HeaderLength] = 32;
        for (var i = 0; i < 16; i++)
        {
            packet[DnsWire.HeaderLength + 1 + (2 * i)] = (byte)('A' + (name[i] >> 4));
            packet[DnsWire.HeaderLength + 2 + (2 * i)] = (byte)('A' + (name[i] & 0x0f));
        }

        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(DnsWire.HeaderLength + 34), TypeNodeStatus);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(DnsWire.HeaderLength + 36), DnsWire.ClassIn);
        return packet;
    }

    public ServiceMatch? Recognise(ReadOnlySpan<byte> answer)
    {
        var message = answer.ToArray();
        if (DnsWire.ReadResponse(message) is not { } response)
        {
            return null;
        }

        var status = response.Answers.FirstOrDefault(record => record.Type == TypeNodeStatus);
        if (status is null || status.DataLength < 1)
        {
            return new ServiceMatch(Service);
        }

        // RDATA: a name count, then 18-byte entries (15-character name, suffix byte, 16-bit flags).
        var count = message[status.DataOffset];
        var names = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var entry = status.DataOffset + 1 + (18 * i);
            if (entry + 18 > status.DataOffset + status.DataLength)
            {
                break;
            }

            var isGroup = (message[entry + 16] & 0x80) != 0;
            var text = WireText.Printable(message.AsSpan(entry, 15));
            names.Add(isGroup ? $"{text} (group)" : text);
        }

        return new ServiceMatch(Service, names.Count == 0
            ? null
            : new ServiceDetail("NetBIOS name service", null, $"names: {string.Join(", ", names.Distinct().Take(8))}"));
    }
}
