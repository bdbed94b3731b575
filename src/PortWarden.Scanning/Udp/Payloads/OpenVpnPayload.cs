using System.Buffers.Binary;
using PortWarden.Core.Scanning;

namespace PortWarden.Scanning.Udp.Payloads;

/// <summary>
/// OpenVPN's control channel (OpenVPN protocol, "P_CONTROL_HARD_RESET_CLIENT_V2"): the packet that opens a
/// session. A server without tls-auth/tls-crypt answers with P_CONTROL_HARD_RESET_SERVER_V2; one with them
/// stays silent (open|filtered).
/// </summary>
internal sealed class OpenVpnPayload : IUdpPayload
{
    private const byte HardResetClientV2 = 7 << 3;
    private const byte HardResetServerV2 = 8;

    public string Service => "openvpn";

    public IReadOnlyList<int> Ports { get; } = [1194];

    public byte[] Build(ushort id)
    {
        var packet = new byte[14];
        packet[0] = HardResetClientV2;
        BinaryPrimitives.WriteUInt64BigEndian(packet.AsSpan(1), 0x5057_0000_0000_0000ul | id); // session id
        return packet; // then an empty acknowledgement list and message packet id 0
    }

    public ServiceMatch? Recognise(ReadOnlySpan<byte> answer) =>
        answer.Length >= 14 && answer[0] >> 3 == HardResetServerV2 ? new ServiceMatch(Service, new ServiceDetail("OpenVPN")) : null;
}
