using System.Buffers.Binary;
using System.Text;
using PortWarden.Core.Scanning;

namespace PortWarden.Scanning.Udp.Payloads;

/// <summary>
/// STUN (RFC 8489): a Binding request with the magic cookie; servers answer with a Binding success (or error)
/// response carrying the same transaction id, often with a SOFTWARE attribute naming the server.
/// </summary>
internal sealed class StunPayload : IUdpPayload
{
    private const uint MagicCookie = 0x2112A442;
    private const ushort SoftwareAttribute = 0x8022;

    public string Service => "stun";

    public IReadOnlyList<int> Ports { get; } = [3478];

    public byte[] Build(ushort id)
    {
        var message = new byte[20];
        BinaryPrimitives.WriteUInt16BigEndian(message, 0x0001);
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(4), MagicCookie);
        "PortWarden"u8.CopyTo(message.AsSpan(8));
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(18), id);
        return message;
    }

    public ServiceMatch? Recognise(ReadOnlySpan<byte> answer)
    {
        if (answer.Length < 20 || BinaryPrimitives.ReadUInt32BigEndian(answer[4..]) != MagicCookie)
        {
            return null;
        }

        var type = BinaryPrimitives.ReadUInt16BigEndian(answer);
        if (type is not (0x0101 or 0x0111))
        {
            return null;
        }

        string? software = null;
        for (var offset = 20; offset + 4 <= answer.Length;)
        {
            var attribute = BinaryPrimitives.ReadUInt16BigEndian(answer[offset..]);
            var length = BinaryPrimitives.ReadUInt16BigEndian(answer[(offset + 2)..]);
            if (offset + 4 + length > answer.Length)
            {
                break;
            }

            if (attribute == SoftwareAttribute)
            {
                software = Encoding.UTF8.GetString(answer.Slice(offset + 4, length)).Trim('\0', ' ');
            }

            offset += 4 + ((length + 3) & ~3);
        }

        return new ServiceMatch(Service, new ServiceDetail(software, null, type == 0x0101 ? "binding success" : "binding error"));
    }
}
