using PortWarden.Core.Scanning;

namespace PortWarden.Scanning.Udp.Payloads;

/// <summary>
/// NAT-PMP (RFC 6886): the two-byte external address request; gateways answer with their external address,
/// and PCP servers (RFC 6887, same port) with an unsupported-version result.
/// </summary>
internal sealed class NatPmpPayload : IUdpPayload
{
    public string Service => "nat-pmp";

    public IReadOnlyList<int> Ports { get; } = [5351];

    public byte[] Build(ushort id) => [0, 0];

    public ServiceMatch? Recognise(ReadOnlySpan<byte> answer)
    {
        if (answer.Length >= 12 && answer[0] == 0 && answer[1] == 128)
        {
            var result = (answer[2] << 8) | answer[3];
            return new ServiceMatch(Service, new ServiceDetail("NAT-PMP", null,
                result == 0 ? $"external address {answer[8]}.{answer[9]}.{answer[10]}.{answer[11]}" : $"result {result}"));
        }

        return answer.Length >= 4 && answer[0] == 2 && (answer[1] & 0x80) != 0
            ? new ServiceMatch(Service, new ServiceDetail("PCP", "v2"))
            : null;
    }
}
