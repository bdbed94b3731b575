using System.Text;
using PortWarden.Core.Scanning;
using PortWarden.Scanning.Nmap;

namespace PortWarden.Scanning.Tests;

/// <summary>Parses nmap XML text with a bound on time, so a parser that hangs fails the test instead of the run.</summary>
internal static class NmapXmlParse
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    public static Task<(IReadOnlyList<ScanRecord> Records, NmapXmlReader Reader)> TextAsync(string xml) => BytesAsync(Encoding.UTF8.GetBytes(xml));

    public static async Task<(IReadOnlyList<ScanRecord> Records, NmapXmlReader Reader)> BytesAsync(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        var reader = new NmapXmlReader(stream, "test.xml");
        var records = await reader.ReadAsync(TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken)
            .AsTask().WaitAsync(Bound, TestContext.Current.CancellationToken);
        return (records, reader);
    }

    /// <summary>A minimal nmap document around <paramref name="body"/> (hosts and other elements).</summary>
    public static string Document(string body) =>
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE nmaprun>\n" +
        "<nmaprun scanner=\"nmap\" args=\"nmap -sT -p 1-100 198.51.100.7\" start=\"1700000000\" version=\"7.93\" xmloutputversion=\"1.05\">\n" +
        "<scaninfo type=\"connect\" protocol=\"tcp\" numservices=\"100\" services=\"1-100\"/>\n" +
        body +
        "<runstats><finished time=\"1700000010\" exit=\"success\"/><hosts up=\"1\" down=\"0\" total=\"1\"/></runstats>\n</nmaprun>\n";

    public static string Host(string address, string ports, string status = "<status state=\"up\" reason=\"syn-ack\"/>") =>
        $"<host>{status}\n<address addr=\"{address}\" addrtype=\"{(address.Contains(':', StringComparison.Ordinal) ? "ipv6" : "ipv4")}\"/>\n<ports>{ports}</ports>\n</host>\n";

    public static string Port(int port, string state, string protocol = "tcp", string reason = "syn-ack", string service = "") =>
        $"<port protocol=\"{protocol}\" portid=\"{port}\"><state state=\"{state}\" reason=\"{reason}\" reason_ttl=\"0\"/>{service}</port>\n";
}
