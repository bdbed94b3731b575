using System.Buffers.Binary;
using PortWarden.Core.Scanning;

namespace PortWarden.Scanning.Udp.Payloads;

/// <summary>
/// IKE (ISAKMP, RFC 2408/2409): the first Main Mode message of IKEv1 with one common proposal (3DES, SHA-1,
/// pre-shared key, MODP group 2). IKEv1 responders answer with their choice or a notification; IKEv2-only
/// responders (RFC 7296) typically answer INVALID_MAJOR_VERSION. On the NAT traversal port 4500 (RFC 3948) the
/// message follows the four-byte non-ESP marker.
/// </summary>
internal sealed class IkePayload : IUdpPayload
{
    private const int HeaderLength = 28;

    private IkePayload(int port) => Ports = [port];

    public static IkePayload Isakmp { get; } = new(500);

    public static IkePayload NatTraversal { get; } = new(4500);

    public string Service => Ports[0] == 4500 ? "nat-t-ike" : "isakmp";

    public IReadOnlyList<int> Ports { get; }

    private bool HasMarker => Ports[0] == 4500;

    public byte[] Build(ushort id)
    {
        byte[] attributes =
        [
            0x80, 1, 0, 5,        // encryption: 3DES-CBC
            0x80, 2, 0, 2,        // hash: SHA
            0x80, 3, 0, 1,        // authentication: pre-shared key
            0x80, 4, 0, 2,        // group: MODP 1024
            0x80, 11, 0, 1,       // life type: seconds
            0x80, 12, 0x70, 0x80, // life duration: 28800
        ];
        byte[] transform = [0, 0, 0, (byte)(8 + attributes.Length), 1, 1, 0, 0, .. attributes];
        byte[] proposal = [0, 0, 0, (byte)(8 + transform.Length), 1, 1, 0, 1, .. transform];
        byte[] sa = [0, 0, 0, (byte)(12 + proposal.Length), 0, 0, 0, 1, 0, 0, 0, 1, .. proposal];
        var message = new byte[HeaderLength + sa.Length];
        BinaryPrimitives.WriteUInt64BigEndian(message, 0x5057_0000_0000_0000ul | ((ulong)id << 16) | id);
        message[16] = 1;    // next payload: SA
        message[17] = 0x10; // version 1.0
        message[18] = 2;    // exchange: identity protection (Main Mode)
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(24), (uint)message.Length);
        sa.CopyTo(message, HeaderLength);
        return HasMarker ? [0, 0, 0, 0, .. message] : message;
    }

    public ServiceMatch? Recognise(ReadOnlySpan<byte> answer)
    {
        if (HasMarker && answer.Length >= 4 && BinaryPrimitives.ReadUInt32BigEndian(answer) == 0)
        {
            answer = answer[4..];
        }

        if (answer.Length < HeaderLength)
        {
            return null;
        }

        var major = answer[17] >> 4;
        var length = BinaryPrimitives.ReadUInt32BigEndian(answer[24..]);
        if (major is not (1 or 2) || length < HeaderLength || length > answer.Length + 4096)
        {
            return null;
        }

        var exchange = answer[18] switch
        {
            2 => "Main Mode",
            4 => "Aggressive Mode",
            5 => "Informational",
            34 => "IKE_SA_INIT",
            37 => "INFORMATIONAL",
            var other => $"exchange {other}",
        };
        return new ServiceMatch(Service, new ServiceDetail(null, $"IKEv{major}", exchange));
    }
}
