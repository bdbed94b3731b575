using PortWarden.Core.Scanning;

namespace PortWarden.Scanning.Udp.Payloads;

/// <summary>
/// DNS (RFC 1035): asks for the CHAOS-class TXT record "version.bind", which BIND, dnsmasq, Unbound, Knot and
/// PowerDNS answer with their version when allowed, and every other server answers with an error code: any
/// response proves the server, the TXT names it.
/// </summary>
internal sealed class DnsPayload : IUdpPayload
{
    public string Service => "domain";

    public IReadOnlyList<int> Ports { get; } = [53];

    public byte[] Build(ushort id) => DnsWire.Query(id, 0x0000, "version.bind", DnsWire.TypeTxt, DnsWire.ClassChaos);

    public ServiceMatch? Recognise(ReadOnlySpan<byte> answer)
    {
        var message = answer.ToArray();
        if (DnsWire.ReadResponse(message) is not { } response)
        {
            return null;
        }

        var version = response.Answers.Where(record => record.Type == DnsWire.TypeTxt)
            .SelectMany(record => DnsWire.TxtStrings(message, record))
            .FirstOrDefault(text => text.Length > 0);
        if (version is null)
        {
            return new ServiceMatch(Service, new ServiceDetail(null, null, $"version.bind: {DnsWire.RcodeName(response.Rcode)}"));
        }

        var (product, number) = WireText.ProductAndVersion(version);
        return new ServiceMatch(Service, number is null
            ? new ServiceDetail(null, product, "version.bind") { Banner = version }
            : new ServiceDetail(product, number) { Banner = version });
    }
}
