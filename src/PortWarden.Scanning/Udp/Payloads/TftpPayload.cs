using System.Buffers.Binary;
using System.Text;
using PortWarden.Core.Scanning;

namespace PortWarden.Scanning.Udp.Payloads;

/// <summary>
/// TFTP (RFC 1350): a read request for a file that does not exist; servers answer with an ERROR packet (or
/// DATA), sent from a new port of their own, so the answer is matched by its content rather than its port.
/// </summary>
internal sealed class TftpPayload : IUdpPayload
{
    public string Service => "tftp";

    public IReadOnlyList<int> Ports { get; } = [69];

    public bool AnswersFromOtherPort => true;

    public byte[] Build(ushort id) => [0, 1, .. Encoding.ASCII.GetBytes($"portwarden-{id:x4}.probe"), 0, .. "octet"u8, 0];

    public ServiceMatch? Recognise(ReadOnlySpan<byte> answer)
    {
        if (answer.Length < 4)
        {
            return null;
        }

        var opcode = BinaryPrimitives.ReadUInt16BigEndian(answer);
        return opcode switch
        {
            3 => new ServiceMatch(Service, new ServiceDetail(null, null, "sent data for a probe file name")),
            5 when answer[^1] == 0 => new ServiceMatch(Service, new ServiceDetail(null, null,
                $"error {BinaryPrimitives.ReadUInt16BigEndian(answer[2..])}: {WireText.Printable(answer[4..^1], 100)}")),
            6 => new ServiceMatch(Service, new ServiceDetail(null, null, "option acknowledgement")),
            _ => null,
        };
    }
}
