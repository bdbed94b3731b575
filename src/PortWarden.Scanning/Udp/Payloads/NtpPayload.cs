using System.Buffers.Binary;
using System.Text;
using PortWarden.Core.Scanning;

namespace PortWarden.Scanning.Udp.Payloads;

/// <summary>
/// NTP (RFC 5905): a version 4 client-mode request with only the transmit timestamp set, as SNTP clients send;
/// servers answer in server mode with their stratum and reference.
/// </summary>
internal sealed class NtpPayload : IUdpPayload
{
    private const int PacketLength = 48;
    private const byte ClientModeVersion4 = (4 << 3) | 3;

    public string Service => "ntp";

    public IReadOnlyList<int> Ports { get; } = [123];

    public byte[] Build(ushort id)
    {
        var packet = new byte[PacketLength];
        packet[0] = ClientModeVersion4;

        // The transmit timestamp comes back as the answer's origin timestamp; any distinct value will do.
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(40), 0xE000_0000u | id);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(44), (uint)id << 16);
        return packet;
    }

    public ServiceMatch? Recognise(ReadOnlySpan<byte> answer)
    {
        if (answer.Length < PacketLength)
        {
            return null;
        }

        var version = (answer[0] >> 3) & 7;
        var mode = answer[0] & 7;
        if (version is < 1 or > 4 || mode is not (4 or 5))
        {
            return null;
        }

        var stratum = answer[1];
        var reference = answer.Slice(12, 4);
        var extra = stratum switch
        {
            0 => $"stratum 0 (kiss code {Encoding.ASCII.GetString(reference).TrimEnd('\0')})",
            1 => $"stratum 1, reference {WireText.Printable(reference)}",
            _ => $"stratum {stratum}",
        };
        return new ServiceMatch(Service, new ServiceDetail("NTP", $"v{version}", extra));
    }
}
