using PortWarden.Core.Scanning;

namespace PortWarden.Scanning.Udp.Payloads;

/// <summary>
/// Multicast DNS (RFC 6762) and DNS service discovery (RFC 6763): asks for the PTR records of
/// "_services._dns-sd._udp.local" with the unicast-response bit set, so a responder answers the prober
/// directly and lists the service types it offers.
/// </summary>
internal sealed class MdnsPayload : IUdpPayload
{
    private const ushort UnicastResponseBit = 0x8000;

    public string Service => "zeroconf";

    public IReadOnlyList<int> Ports { get; } = [5353];

    public byte[] Build(ushort id) =>
        DnsWire.Query(id, 0x0000, "_services._dns-sd._udp.local", DnsWire.TypePtr, DnsWire.ClassIn | UnicastResponseBit);

    public ServiceMatch? Recognise(ReadOnlySpan<byte> answer)
    {
        var message = answer.ToArray();
        if (DnsWire.ReadResponse(message) is not { } response)
        {
            return null;
        }

        var services = new List<string>();
        foreach (var record in response.Answers.Where(record => record.Type == DnsWire.TypePtr))
        {
            var offset = record.DataOffset;
            if (DnsWire.ReadName(message, ref offset) is { Length: > 0 } name)
            {
                services.Add(name);
            }
        }

        return new ServiceMatch(Service, services.Count == 0
            ? null
            : new ServiceDetail("mDNS responder", null, $"services: {string.Join(", ", services.Distinct().Take(10))}"));
    }
}
