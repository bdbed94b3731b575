using System.Text;
using PortWarden.Core.Scanning;

namespace PortWarden.Scanning.Udp.Payloads;

/// <summary>
/// SSDP, the discovery protocol of UPnP (UPnP Device Architecture 1.1, section 1.3.2): an M-SEARCH for all
/// devices and services, which UPnP devices answer with an HTTP-over-UDP response naming their server software.
/// </summary>
internal sealed class SsdpPayload : IUdpPayload
{
    public string Service => "upnp";

    public IReadOnlyList<int> Ports { get; } = [1900];

    public byte[] Build(ushort id) => Encoding.ASCII.GetBytes(
        "M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\nMX: 1\r\nST: ssdp:all\r\n\r\n");

    public ServiceMatch? Recognise(ReadOnlySpan<byte> answer)
    {
        var text = Encoding.ASCII.GetString(answer[..Math.Min(answer.Length, 2048)]);
        if (!text.StartsWith("HTTP/1.", StringComparison.Ordinal) && !text.StartsWith("NOTIFY ", StringComparison.Ordinal))
        {
            return null;
        }

        var server = WireText.Header(text, "SERVER");
        return new ServiceMatch(Service, server is null ? null : new ServiceDetail(server) { Banner = WireText.Printable(answer, 200) });
    }
}
