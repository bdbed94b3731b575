using System.Buffers.Binary;
using System.Text;
using PortWarden.Core.Scanning;

namespace PortWarden.Scanning.Udp.Payloads;

/// <summary>
/// memcached's UDP protocol (protocol.txt, "UDP protocol"): an 8-byte frame header (request id, sequence 0 of 1)
/// and the text command "version", which a server with UDP enabled answers with "VERSION x.y.z". The small
/// "version" command is used rather than "stats" so the probe never amplifies.
/// </summary>
internal sealed class MemcachedPayload : IUdpPayload
{
    private const int FrameHeaderLength = 8;

    public string Service => "memcache";

    public IReadOnlyList<int> Ports { get; } = [11211];

    public byte[] Build(ushort id)
    {
        var packet = new byte[FrameHeaderLength];
        BinaryPrimitives.WriteUInt16BigEndian(packet, id);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), 1);
        return [.. packet, .. "version\r\n"u8];
    }

    public ServiceMatch? Recognise(ReadOnlySpan<byte> answer)
    {
        if (answer.Length < FrameHeaderLength + 5)
        {
            return null;
        }

        var text = Encoding.ASCII.GetString(answer[FrameHeaderLength..Math.Min(answer.Length, 512)]);
        if (text.StartsWith("VERSION ", StringComparison.Ordinal))
        {
            return new ServiceMatch(Service, new ServiceDetail("memcached", text[8..].Trim()));
        }

        return text.StartsWith("ERROR", StringComparison.Ordinal) || text.StartsWith("SERVER_ERROR", StringComparison.Ordinal)
            ? new ServiceMatch(Service, new ServiceDetail("memcached", null, text.Trim()))
            : null;
    }
}
