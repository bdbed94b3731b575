using PortWarden.Core.Scanning;

namespace PortWarden.Scanning.Udp.Payloads;

/// <summary>Echo (RFC 862): whatever is sent comes back; recognised by the probe's own marker in the answer.</summary>
internal sealed class EchoPayload : IUdpPayload
{
    private static readonly byte[] Marker = "portwarden-echo-"u8.ToArray();

    public string Service => "echo";

    public IReadOnlyList<int> Ports { get; } = [7];

    public byte[] Build(ushort id) => [.. Marker, .. System.Text.Encoding.ASCII.GetBytes($"{id:x4}")];

    public ServiceMatch? Recognise(ReadOnlySpan<byte> answer) =>
        answer.StartsWith(Marker) ? new ServiceMatch(Service, new ServiceDetail(null, null, "echoes datagrams")) : null;
}
