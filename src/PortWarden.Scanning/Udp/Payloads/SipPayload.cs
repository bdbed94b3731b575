using System.Text;
using PortWarden.Core.Scanning;

namespace PortWarden.Scanning.Udp.Payloads;

/// <summary>
/// SIP (RFC 3261 section 11): an OPTIONS request, which user agents and proxies answer with a status line and
/// usually a Server or User-Agent header. The Via carries "rport" (RFC 3581) so the answer comes to the probing port.
/// </summary>
internal sealed class SipPayload : IUdpPayload
{
    public string Service => "sip";

    public IReadOnlyList<int> Ports { get; } = [5060];

    public byte[] Build(ushort id) => Encoding.ASCII.GetBytes(
        "OPTIONS sip:probe@portwarden.invalid SIP/2.0\r\n" +
        $"Via: SIP/2.0/UDP portwarden.invalid:5060;branch=z9hG4bK-pw{id:x4};rport\r\n" +
        "Max-Forwards: 70\r\n" +
        $"From: <sip:probe@portwarden.invalid>;tag=pw{id:x4}\r\n" +
        "To: <sip:probe@portwarden.invalid>\r\n" +
        $"Call-ID: pw{id:x4}@portwarden.invalid\r\n" +
        "CSeq: 1 OPTIONS\r\n" +
        "Contact: <sip:probe@portwarden.invalid>\r\n" +
        "Accept: application/sdp\r\n" +
        "Content-Length: 0\r\n\r\n");

    public ServiceMatch? Recognise(ReadOnlySpan<byte> answer)
    {
        var text = Encoding.ASCII.GetString(answer[..Math.Min(answer.Length, 4096)]);
        if (!text.StartsWith("SIP/2.0 ", StringComparison.Ordinal))
        {
            return null;
        }

        var status = text.Split('\n', 2)[0].Trim();
        var server = WireText.Header(text, "Server") ?? WireText.Header(text, "User-Agent");
        return new ServiceMatch(Service, new ServiceDetail(server, null, status[8..]));
    }
}
