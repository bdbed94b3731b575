using System.Net;
using System.Text;
using PortWarden.Core.Ports;
using PortWarden.Scanning.Local;
using PortWarden.Scanning.Local.Linux;

namespace PortWarden.Scanning.Tests;

/// <summary>Parsing /proc/net/{tcp,tcp6,udp,udp6}: captured tables and every quirk of the format.</summary>
public sealed class LocalProcNetTableTests
{
    private const string Header = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";

    [Fact]
    public void Only_listening_tcp_sockets_are_kept_from_a_captured_table()
    {
        var (sockets, warnings) = Parse("proc-tcp.txt", Protocol.Tcp);

        // The capture also has two established connections (state 01) and a TIME-WAIT one (06, inode 0).
        Assert.Equal(
            ["0.0.0.0:2024 #1149", "0.0.0.0:48001 #4826413", "127.0.0.1:18080 #4694158", "127.0.0.1:48002 #4826414", "127.0.0.1:48009 #4826431"],
            sockets);
        Assert.Empty(warnings);
    }

    [Fact]
    public void Ipv6_addresses_are_read_word_by_word_and_ipv4_mapped_ones_become_ipv4()
    {
        var (sockets, warnings) = Parse("proc-tcp6.txt", Protocol.Tcp);

        Assert.Equal(
            ["127.0.0.1:48006 #4826418", "::1:48004 #4826416", ":::48003 #4826415", ":::48005 #4826417", "fd00::2:48008 #4826421", "fe80::fc:ff:fe00:1:48007 #4826420"],
            sockets);
        Assert.Empty(warnings);
    }

    [Fact]
    public void Only_unconnected_udp_sockets_are_kept()
    {
        var (v4, _) = Parse("proc-udp.txt", Protocol.Udp);
        var (v6, _) = Parse("proc-udp6.txt", Protocol.Udp);

        // 127.0.0.1:48106 is connected (state 01): a client socket, not a service.
        Assert.Equal(["0.0.0.0:48101 #4826422", "127.0.0.53:48102 #4826423"], v4);
        Assert.Equal(["::1:48104 #4826425", ":::48103 #4826424", "fe80::fc:ff:fe00:1:48105 #4826427"], v6);
    }

    [Fact]
    public void Addresses_are_in_host_byte_order_so_a_big_endian_kernel_prints_them_as_is()
    {
        Span<byte> address = stackalloc byte[16];
        var line = "   0: 7F000001:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0"u8;

        Assert.True(ProcNetTable.TryParse(line, littleEndian: false, address, out var entry));
        Assert.Equal(IPAddress.Loopback, new IPAddress(address[..entry.AddressLength]));
        Assert.True(ProcNetTable.TryParse(line, littleEndian: true, address, out _));
        Assert.Equal(IPAddress.Parse("1.0.0.127"), new IPAddress(address[..4]));
        Assert.Equal(22, entry.Port);
        Assert.Equal(ProcNetTable.TcpListen, entry.State);
    }

    [Fact]
    public void Fields_after_the_inode_may_be_many_or_few_and_the_uid_is_read()
    {
        Span<byte> address = stackalloc byte[16];
        var shortest = "0: 0100007F:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000 0 77"u8;

        Assert.True(ProcNetTable.TryParse(shortest, true, address, out var entry));
        Assert.Equal(new ProcNetEntry(4, 80, 0x0A, 1000, 77), entry);
        var longest = Encoding.ASCII.GetBytes("0: 0100007F:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000 1000 0 77" + string.Concat(Enumerable.Repeat(" 0", 5000)));
        Assert.True(ProcNetTable.TryParse(longest, true, address, out var same));
        Assert.Equal(entry, same);
    }

    [Fact]
    public void Lines_longer_than_the_read_buffer_and_lines_split_across_reads_parse_the_same()
    {
        var text = File.ReadAllText(LocalScans.Data("proc-tcp.txt"))
            + "  99: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242" + new string(' ', 20000) + "1 2 3\n";
        var (expected, _) = ParseText(text, Protocol.Tcp, bufferSize: 1 << 20);

        foreach (var size in new[] { 1, 7, 16, 64, 100, 149, 150, 151, 4096 })
        {
            var (sockets, warnings) = ParseText(text, Protocol.Tcp, size);
            Assert.Equal(expected, sockets);
            Assert.Empty(warnings);
        }

        Assert.Contains("127.0.0.1:8080 #4242", expected);
    }

    [Fact]
    public void A_table_without_final_newline_or_with_crlf_line_ends_parses()
    {
        var line = "   0: 0100007F:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 77 1 0 100 0 0 10 0";

        Assert.Equal(["127.0.0.1:80 #77"], ParseText(Header + line, Protocol.Tcp).Sockets);
        Assert.Equal(["127.0.0.1:80 #77"], ParseText(Header.Replace("\n", "\r\n", StringComparison.Ordinal) + line + "\r\n", Protocol.Tcp).Sockets);
        Assert.Empty(ParseText("", Protocol.Tcp).Sockets);
        Assert.Empty(ParseText(Header, Protocol.Tcp).Warnings);
    }

    public static TheoryData<string> MalformedLines =>
    [
        "garbage",
        "   0: 0100007F:0050",
        "   0: 0100007F:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0",
        "   0: 0100007G:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 77",
        "   0: 0100007F:00500 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 77",
        "   0: 00007F:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 77",
        "   0: 0100007F0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 77",
        "   0: 0100007F:0050 00000000:0000 0A0 00000000:00000000 00:00000000 00000000     0        0 77",
        "   0: 0100007F:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000    -1        0 77",
        "   0: 0100007F:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 seventy",
        "   x: 0100007F:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 77",
        "0100007F:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 77 1",
        "   0: 0000000000000000FFFF00000100007:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 77",
        "\0\0\0\u00ff\u00fe",
    ];

    [Theory]
    [MemberData(nameof(MalformedLines))]
    public void A_malformed_line_is_skipped_with_a_warning_naming_it_and_the_lines_around_it_still_count(string malformed)
    {
        var good = "   1: 0100007F:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 77 1 0 100 0 0 10 0\n";

        var (sockets, warnings) = ParseText(Header + good + malformed + "\n" + good.Replace(":0050", ":0051", StringComparison.Ordinal), Protocol.Tcp);

        Assert.Equal(["127.0.0.1:80 #77", "127.0.0.1:81 #77"], sockets);
        var warning = Assert.Single(warnings);
        Assert.StartsWith("test/tcp line 3: expected 'sl: local_address", warning, StringComparison.Ordinal);
        Assert.EndsWith("': skipped", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void A_table_of_garbage_warns_a_few_times_then_counts_the_rest()
    {
        var messages = new List<string>();
        var warnings = new LocalWarnings(messages.Add);
        var found = new List<KernelSocket>();
        var text = Header + string.Concat(Enumerable.Range(0, 25).Select(i => $"junk {i}\n"));

        using var stream = new MemoryStream(Encoding.ASCII.GetBytes(text));
        ProcNetTable.Read(stream, "tcp", Protocol.Tcp, ProcNetTable.TcpListen, LocalPortFilter.All, found, warnings, true);
        warnings.Flush();

        Assert.Empty(found);
        Assert.Equal(LocalWarnings.Limit + 1, messages.Count);
        Assert.Equal("15 more tcp warning(s) not shown", messages[^1]);
    }

    [Fact]
    public void A_listening_socket_without_inode_is_kept_without_owner()
    {
        var line = "   0: 0100007F:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 0 1 0 100 0 0 10 0\n";

        Assert.Equal(["127.0.0.1:80 #0"], ParseText(Header + line, Protocol.Tcp).Sockets);
    }

    [Fact]
    public void Unwanted_ports_are_left_out()
    {
        var filter = new LocalPortFilter(PortSet.Of([48001, 2024]), PortSet.Empty);

        var (sockets, _) = ParseText(File.ReadAllText(LocalScans.Data("proc-tcp.txt")), Protocol.Tcp, filter: filter);

        Assert.Equal(["0.0.0.0:2024 #1149", "0.0.0.0:48001 #4826413"], sockets);
    }

    private static (List<string> Sockets, List<string> Warnings) Parse(string file, Protocol protocol) =>
        ParseText(File.ReadAllText(LocalScans.Data(file)), protocol);

    private static (List<string> Sockets, List<string> Warnings) ParseText(
        string text, Protocol protocol, int bufferSize = 64 * 1024, LocalPortFilter? filter = null)
    {
        var messages = new List<string>();
        var found = new List<KernelSocket>();
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text));
        var state = protocol == Protocol.Tcp ? ProcNetTable.TcpListen : ProcNetTable.UdpUnconnected;
        ProcNetTable.Read(stream, "test/" + protocol.ToWireName(), protocol, state, filter ?? LocalPortFilter.All, found, new LocalWarnings(messages.Add), true, bufferSize);
        return (found.Select(s => $"{s.Address}:{s.Port} #{s.Inode}").Order(StringComparer.Ordinal).ToList(), messages);
    }
}
