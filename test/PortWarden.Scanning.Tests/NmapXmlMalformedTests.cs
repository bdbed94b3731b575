using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using PortWarden.Core;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;

namespace PortWarden.Scanning.Tests;

/// <summary>Hand-made nmap XML: every state, and hostile or broken files, each a clear error or a partial result, never a hang.</summary>
public sealed class NmapXmlMalformedTests
{
    [Fact]
    public async Task Every_nmap_port_state_and_extraports_are_mapped()
    {
        var ports =
            NmapXmlParse.Port(1, "open") + NmapXmlParse.Port(2, "closed", reason: "conn-refused") +
            NmapXmlParse.Port(3, "filtered", reason: "no-response") + NmapXmlParse.Port(4, "unfiltered", reason: "reset") +
            NmapXmlParse.Port(5, "open|filtered", "udp", "no-response") + NmapXmlParse.Port(6, "closed|filtered", reason: "no-ipid-change") +
            "<extraports state=\"closed\" count=\"90\"><extrareasons reason=\"conn-refused\" count=\"90\"/></extraports>" +
            "<extraports state=\"filtered\" count=\"4\"/>";

        var (records, reader) = await NmapXmlParse.TextAsync(NmapXmlParse.Document(NmapXmlParse.Host("198.51.100.7", ports)));

        var observations = records.OfType<Observation>().ToList();
        Assert.Equal(
            [PortState.Open, PortState.Closed, PortState.Filtered, PortState.Unfiltered, PortState.OpenFiltered, PortState.ClosedFiltered],
            observations.Select(o => o.State));
        Assert.Equal(Protocol.Udp, observations[4].Protocol);
        Assert.Equal("no-ipid-change", observations[5].Reason);
        var host = Assert.IsType<HostReport>(records[^1]);
        Assert.Equal(new PortCounts(1, 91, 5, 3), host.Counts);
        Assert.Equal(HostState.Up, host.State);
        Assert.False(reader.Truncated);
        Assert.Equal("success", reader.End?.Exit);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700000000), reader.Run?.StartedAt);
        Assert.Equal(100, reader.Run!.RequestedPorts(Protocol.Tcp)!.Count);
        Assert.True(reader.Run.RequestedPorts(Protocol.Udp)!.IsEmpty);
    }

    [Fact]
    public async Task Service_product_version_extrainfo_hostnames_and_mac_are_read()
    {
        var body = "<host><status state=\"up\" reason=\"arp-response\"/>" +
            "<address addr=\"198.51.100.7\" addrtype=\"ipv4\"/><address addr=\"02:42:ac:11:00:02\" addrtype=\"mac\" vendor=\"Acme\"/>" +
            "<hostnames><hostname name=\"web\" type=\"user\"/><hostname name=\"web.example.org\" type=\"PTR\"/></hostnames><ports>" +
            NmapXmlParse.Port(22, "open", service: "<service name=\"ssh\" product=\"OpenSSH\" version=\"9.2p1\" extrainfo=\"protocol 2.0\" method=\"probed\" conf=\"10\"/>") +
            NmapXmlParse.Port(443, "open", service: "<service name=\"http\" tunnel=\"ssl\" method=\"probed\" conf=\"10\"/>") +
            "</ports></host>\n";

        var (records, reader) = await NmapXmlParse.TextAsync(NmapXmlParse.Document(body));

        var ssh = records.OfType<Observation>().First();
        Assert.Equal("ssh", ssh.Service);
        Assert.Equal(new ServiceDetail("OpenSSH", "9.2p1", "protocol 2.0"), ssh.Detail);
        Assert.Equal("ssl/http", records.OfType<Observation>().Last().Service);
        Assert.Null(records.OfType<Observation>().Last().Detail);
        var host = records.OfType<HostReport>().Single();
        Assert.Equal(new Core.Targets.ScanTarget(IPAddress.Parse("198.51.100.7"), "web"), host.Target);
        Assert.Equal(["web", "web.example.org"], host.HostNames);
        Assert.Equal(("02:42:AC:11:00:02", "Acme"), (host.MacAddress, host.MacVendor));
        Assert.True(reader.IdentifiedServices);
    }

    [Fact]
    public async Task Down_timed_out_and_unknown_hosts_are_down_or_undecided()
    {
        var body =
            NmapXmlParse.Host("198.51.100.1", "", "<status state=\"down\" reason=\"no-response\"/>") +
            "<host timedout=\"true\"><status state=\"up\" reason=\"user-set\"/><address addr=\"198.51.100.2\" addrtype=\"ipv4\"/></host>\n" +
            NmapXmlParse.Host("198.51.100.3", "", "<status state=\"unknown\" reason=\"\"/>") +
            NmapXmlParse.Host("2001:db8::3", NmapXmlParse.Port(80, "open"));

        var (records, reader) = await NmapXmlParse.TextAsync(NmapXmlParse.Document(body));

        var reports = records.OfType<HostReport>().ToList();
        Assert.Equal(["198.51.100.1", "2001:db8::3"], reports.Select(r => r.Target.Address.ToString()));
        Assert.Equal((HostState.Down, "no-response"), (reports[0].State, reports[0].Reason));
        Assert.Equal(2, reader.UndecidedHosts);
        Assert.Contains(reader.Warnings, w => w.Contains("198.51.100.2", StringComparison.Ordinal) && w.Contains("timed out", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ports_of_other_protocols_are_left_out_with_a_warning()
    {
        var (records, reader) = await NmapXmlParse.TextAsync(NmapXmlParse.Document(NmapXmlParse.Host(
            "198.51.100.7", NmapXmlParse.Port(80, "open") + NmapXmlParse.Port(38412, "open", "sctp", "init-ack"))));

        Assert.Equal([80], records.OfType<Observation>().Select(o => o.Port));
        Assert.Contains(reader.Warnings, w => w.Contains("SCTP", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Output_cut_anywhere_keeps_the_complete_hosts_and_says_it_was_cut()
    {
        var full = NmapXmlParse.Document(
            NmapXmlParse.Host("198.51.100.1", NmapXmlParse.Port(22, "open") + NmapXmlParse.Port(23, "closed")) +
            NmapXmlParse.Host("198.51.100.2", NmapXmlParse.Port(80, "open", service: "<service name=\"http\" product=\"nginx\"/>")) +
            NmapXmlParse.Host("198.51.100.3", "", "<status state=\"down\" reason=\"no-response\"/>"));
        var complete = (await NmapXmlParse.TextAsync(full)).Records;
        var rootEnd = full.IndexOf("<scaninfo", StringComparison.Ordinal);

        for (var length = 0; length < full.Length - 1; length++)
        {
            var cut = full[..length];
            try
            {
                var (records, reader) = await NmapXmlParse.TextAsync(cut);
                Assert.True(length >= rootEnd - 1, $"cut at {length} before the root element was complete should be an error");
                Assert.True(reader.Truncated, $"cut at {length} is not reported as truncated");
                Assert.Equal(complete.Take(records.Count).Select(Describe), records.Select(Describe));
                Assert.True(records.Count == 0 || records[^1] is HostReport, $"cut at {length} yielded a host without its report");
            }
            catch (ScanFileFormatException error)
            {
                Assert.True(length < rootEnd, $"cut at {length} failed: {error.Message}");
                Assert.Contains("test.xml", error.Message, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task Host_cut_in_the_middle_is_undecided()
    {
        var full = NmapXmlParse.Document(
            NmapXmlParse.Host("198.51.100.1", NmapXmlParse.Port(22, "open")) + NmapXmlParse.Host("198.51.100.2", NmapXmlParse.Port(80, "open")));
        var cut = full[..(full.IndexOf("portid=\"80\"", StringComparison.Ordinal) + 5)];

        var (records, reader) = await NmapXmlParse.TextAsync(cut);

        Assert.Equal(["198.51.100.1"], records.OfType<HostReport>().Select(r => r.Target.Address.ToString()));
        Assert.DoesNotContain(records, r => r.Target.Address.ToString() == "198.51.100.2");
        Assert.True(reader.Truncated);
        Assert.Equal(1, reader.UndecidedHosts);
        Assert.Null(reader.End);
    }

    [Fact]
    public async Task Wrong_root_element_is_refused_with_its_name()
    {
        var error = await Assert.ThrowsAsync<ScanFileFormatException>(() =>
            NmapXmlParse.TextAsync("<?xml version=\"1.0\"?>\n<html><body>not a scan</body></html>\n"));

        Assert.Contains("root element is <html>, not <nmaprun>", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, error.Line);
    }

    [Fact]
    public async Task External_entities_are_never_resolved_nor_fetched()
    {
        var secret = Path.GetTempFileName();
        await File.WriteAllTextAsync(secret, "TOP-SECRET-CONTENT", TestContext.Current.CancellationToken);
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(8);
        var url = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndPoint!).Port}/evil.dtd";
        try
        {
            string[] attacks =
            [
                $"<?xml version=\"1.0\"?>\n<!DOCTYPE nmaprun [<!ENTITY xxe SYSTEM \"file://{secret}\">]>\n<nmaprun args=\"&xxe;\">&xxe;</nmaprun>",
                $"<?xml version=\"1.0\"?>\n<!DOCTYPE nmaprun [<!ENTITY % remote SYSTEM \"{url}\"> %remote;]>\n<nmaprun>&exfil;</nmaprun>",
                $"<?xml version=\"1.0\"?>\n<!DOCTYPE nmaprun SYSTEM \"{url}\">\n<nmaprun scanner=\"nmap\"><host>&xxe;</host></nmaprun>",
            ];
            foreach (var attack in attacks)
            {
                var error = await Assert.ThrowsAsync<ScanFileFormatException>(() => NmapXmlParse.TextAsync(attack));
                Assert.Contains("undeclared entity", error.Message, StringComparison.Ordinal);
                Assert.DoesNotContain("TOP-SECRET", error.ToString(), StringComparison.Ordinal);
            }

            listener.Blocking = false;
            Assert.Throws<SocketException>(() => listener.Accept());
        }
        finally
        {
            File.Delete(secret);
        }
    }

    [Fact]
    public async Task Billion_laughs_fails_fast_without_expanding()
    {
        var entities = new StringBuilder("<!ENTITY lol0 \"lol\">");
        for (var i = 1; i <= 9; i++)
        {
            entities.Append($"<!ENTITY lol{i} \"{string.Concat(Enumerable.Repeat($"&lol{i - 1};", 10))}\">");
        }

        string[] attacks =
        [
            $"<?xml version=\"1.0\"?>\n<!DOCTYPE nmaprun [{entities}]>\n<nmaprun>&lol9;</nmaprun>",
            $"<?xml version=\"1.0\"?>\n<!DOCTYPE nmaprun [{entities}]>\n<nmaprun args=\"&lol9;\"></nmaprun>",
        ];
        foreach (var attack in attacks)
        {
            var clock = Stopwatch.StartNew();
            var error = await Assert.ThrowsAsync<ScanFileFormatException>(() => NmapXmlParse.TextAsync(attack));

            Assert.Contains("undeclared entity 'lol9'", error.Message, StringComparison.Ordinal);
            Assert.Equal(3, error.Line);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        }
    }

    [Theory]
    [InlineData("<port protocol=\"tcp\" portid=\"22\"><state state=\"sorta-open\" reason=\"x\"/></port>", "unknown port state 'sorta-open'")]
    [InlineData("<port protocol=\"tcp\" portid=\"70000\"><state state=\"open\" reason=\"x\"/></port>", "port number '70000' is not 0-65535")]
    [InlineData("<port protocol=\"tcp\" portid=\"22\"></port>", "port tcp/22 has no <state>")]
    [InlineData("<port protocol=\"carrier-pigeon\" portid=\"22\"><state state=\"open\"/></port>", "unknown port protocol 'carrier-pigeon'")]
    [InlineData("<extraports state=\"open\" count=\"3\"/>", "nmap lists every open port")]
    [InlineData("<extraports state=\"weird\" count=\"3\"/>", "unknown port state 'weird'")]
    [InlineData("<extraports state=\"closed\" count=\"many\"/>", "count 'many' is not a number")]
    public async Task Unknown_states_and_bad_values_name_the_value_and_line(string ports, string expected)
    {
        var document = NmapXmlParse.Document(NmapXmlParse.Host("198.51.100.7", "\n" + ports));

        var error = await Assert.ThrowsAsync<ScanFileFormatException>(() => NmapXmlParse.TextAsync(document));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal(8, error.Line);
        Assert.StartsWith("'test.xml' line 8, position ", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<host><status state=\"sleepy\" reason=\"x\"/><address addr=\"198.51.100.7\" addrtype=\"ipv4\"/></host>", "unknown host state 'sleepy'")]
    [InlineData("<host><status state=\"up\" reason=\"x\"/></host>", "without an IPv4 or IPv6 <address>")]
    [InlineData("<host><status state=\"up\"/><address addr=\"300.1.2.3\" addrtype=\"ipv4\"/></host>", "invalid ipv4 address '300.1.2.3'")]
    [InlineData("<host><address addr=\"198.51.100.7\" addrtype=\"ipv4\"/></host>", "has no <status>")]
    public async Task Bad_hosts_are_refused_clearly(string host, string expected)
    {
        var error = await Assert.ThrowsAsync<ScanFileFormatException>(() => NmapXmlParse.TextAsync(NmapXmlParse.Document(host)));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.True(error.Line > 0);
    }

    [Theory]
    [InlineData("", "the file is empty")]
    [InlineData("   \n\n  ", "not well-formed XML")]
    [InlineData("hello, this is not XML", "not well-formed XML")]
    [InlineData("{\"engine\":\"connect\",\"hosts\":[]}", "not well-formed XML")]
    [InlineData("<nmaprun><host></nmaprun>", "not well-formed XML")]
    [InlineData("<nmaprun></nmaprun><nmaprun></nmaprun>", "not well-formed XML")]
    [InlineData("<nmaprun><host><po<<rts/></host></nmaprun>", "not well-formed XML")]
    public async Task Garbage_is_a_clear_error(string text, string expected)
    {
        var error = await Assert.ThrowsAsync<ScanFileFormatException>(() => NmapXmlParse.TextAsync(text));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.StartsWith("'test.xml'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Random_bytes_are_a_clear_error_or_nothing_never_a_crash_or_hang()
    {
        var random = new Random(20261125);
        for (var i = 0; i < 200; i++)
        {
            var bytes = new byte[random.Next(0, 4096)];
            random.NextBytes(bytes);
            if (i % 2 == 0 && bytes.Length > 64)
            {
                // Half start like an nmap file, so the parser gets past the root element before the noise.
                var head = Encoding.UTF8.GetBytes("<nmaprun scanner=\"nmap\"><host>");
                head.CopyTo(bytes, 0);
            }

            try
            {
                var (records, _) = await NmapXmlParse.BytesAsync(bytes);
                Assert.Empty(records);
            }
            catch (ScanFileFormatException error)
            {
                Assert.StartsWith("'test.xml'", error.Message, StringComparison.Ordinal);
            }
        }
    }

    private static string Describe(ScanRecord record) => record switch
    {
        Observation o => $"{o.Target} {o.Key} {o.State} {o.Reason} {o.Service} {o.Detail}",
        HostReport h => $"{h.Target} {h.State} {h.Reason} {h.Counts}",
        _ => record.ToString(),
    };
}
