using PortWarden.Core.Scanning;

namespace PortWarden.Scanning.Udp.Payloads;

/// <summary>
/// XDMCP (X Display Manager Control Protocol 1.1): a Query with no authentication names; display managers
/// answer Willing or Unwilling, with their status text.
/// </summary>
internal sealed class XdmcpPayload : IUdpPayload
{
    public string Service => "xdmcp";

    public IReadOnlyList<int> Ports { get; } = [177];

    public byte[] Build(ushort id) => [0, 1, 0, 2, 0, 1, 0]; // version 1, opcode Query, length 1, no authentication names

    public ServiceMatch? Recognise(ReadOnlySpan<byte> answer)
    {
        if (answer.Length < 6 || answer[0] != 0 || answer[1] != 1)
        {
            return null;
        }

        return answer[3] switch
        {
            5 => new ServiceMatch(Service, new ServiceDetail(null, null, "willing")),
            6 => new ServiceMatch(Service, new ServiceDetail(null, null, "unwilling")),
            _ => null,
        };
    }
}
