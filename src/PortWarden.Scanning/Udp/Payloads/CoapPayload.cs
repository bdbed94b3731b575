using PortWarden.Core.Scanning;

namespace PortWarden.Scanning.Udp.Payloads;

/// <summary>
/// CoAP (RFC 7252) with resource discovery (RFC 6690): a confirmable GET of /.well-known/core, which CoAP
/// servers answer with an acknowledgement and usually their resource list.
/// </summary>
internal sealed class CoapPayload : IUdpPayload
{
    public string Service => "coap";

    public IReadOnlyList<int> Ports { get; } = [5683];

    public byte[] Build(ushort id) =>
    [
        0x40, 0x01, (byte)(id >> 8), (byte)id,   // version 1, confirmable, no token; GET; message id
        0xbb, .. ".well-known"u8,                // Uri-Path (option 11), 11 bytes
        0x04, .. "core"u8,                       // Uri-Path again, 4 bytes
    ];

    public ServiceMatch? Recognise(ReadOnlySpan<byte> answer)
    {
        if (answer.Length < 4 || answer[0] >> 6 != 1)
        {
            return null;
        }

        var type = (answer[0] >> 4) & 3;
        var code = answer[1];
        if (type is not (2 or 3) && code >> 5 < 2)
        {
            return null;
        }

        return new ServiceMatch(Service, new ServiceDetail(null, null, type == 3 ? "reset" : $"response {code >> 5}.{code & 0x1f:00}"));
    }
}
