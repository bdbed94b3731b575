using System.Net;
using PortWarden.Core.Ports;
using PortWarden.Scanning.Local;
using PortWarden.Scanning.Local.Text;

namespace PortWarden.Scanning.Tests;

/// <summary>The fallback parsers on captured `ss -tulpn` and `netstat -tulpn` output and a composed Windows `netstat -ano` sample.</summary>
public sealed class LocalToolOutputTests
{
    /// <summary>What every capture holds (see LocalData/README.md), as "protocol address:port pid/name".</summary>
    private static readonly string[] Captured =
    [
        "tcp 0.0.0.0:2024 -",
        "tcp 0.0.0.0:48001 21233/python3",
        "tcp 127.0.0.1:18080 15256/python3",
        "tcp 127.0.0.1:48002 21233/python3",
        "tcp 127.0.0.1:48006 21233/python3",
        "tcp 127.0.0.1:48009 21233/python3",
        "tcp :::48003 21233/python3",
        "tcp :::48005 21233/python3",
        "tcp ::1:48004 21233/python3",
        "tcp fd00::2:48008 21233/python3",
        "tcp fe80::fc:ff:fe00:1:48007 21233/python3",
        "udp 0.0.0.0:48101 21233/python3",
        "udp 127.0.0.53:48102 21233/python3",
        "udp :::48103 21233/python3",
        "udp ::1:48104 21233/python3",
        "udp fe80::fc:ff:fe00:1:48105 21233/python3",
    ];

    /// <summary>What windows-netstat-ano.txt holds.</summary>
    private static readonly string[] WindowsSample =
    [
        "tcp 0.0.0.0:135 1004/", "tcp 0.0.0.0:445 4/", "tcp 127.0.0.1:5354 3172/", "tcp 192.0.2.10:139 4/",
        "tcp :::135 1004/", "tcp ::1:49677 4964/", "tcp fe80::1c2d:3e4f:5a6b:7c8d:2869 4/",
        "udp 0.0.0.0:5353 2200/", "udp 127.0.0.1:1900 3300/", "udp :::5353 2200/", "udp fe80::1c2d:3e4f:5a6b:7c8d:1900 3300/",
    ];

    [Theory]
    [InlineData("ss-tulpn.txt")]
    [InlineData("ss-tuapn.txt")]
    public void Ss_output_yields_listening_tcp_and_unconnected_udp_with_the_lowest_pid_of_each_socket(string file)
    {
        var (sockets, warnings) = Parse(SsOutput.Parse, File.ReadAllText(LocalScans.Data(file)));

        Assert.Equal(Captured.Order(StringComparer.Ordinal), sockets);
        Assert.Empty(warnings);
    }

    [Theory]
    [InlineData("netstat-tulpnW.txt")]
    [InlineData("netstat-tuapnW.txt")]
    public void Netstat_output_yields_the_same_sockets(string file)
    {
        var (sockets, warnings) = Parse(NetstatLinuxOutput.Parse, File.ReadAllText(LocalScans.Data(file)));

        Assert.Equal(Captured.Order(StringComparer.Ordinal), sockets);
        Assert.Empty(warnings);
    }

    [Fact]
    public void Netstat_without_wide_output_cuts_long_ipv6_addresses_and_those_lines_are_skipped_with_a_warning()
    {
        var (sockets, warnings) = Parse(NetstatLinuxOutput.Parse, File.ReadAllText(LocalScans.Data("netstat-tulpn.txt")));

        Assert.Equal(Captured.Where(line => !line.Contains("fe80", StringComparison.Ordinal)).Order(StringComparer.Ordinal), sockets);
        Assert.Equal(2, warnings.Count);
        Assert.Contains("line 12:", warnings[0], StringComparison.Ordinal);
        Assert.Contains("'tcp6       0      0 fe80::fc:ff:fe00::48007", warnings[0], StringComparison.Ordinal);
    }

    public static TheoryData<string> MalformedSsLines =>
    [
        "tcp",
        "tcp   LISTEN 0 5 127.0.0.1 0.0.0.0:*",
        "tcp   LISTEN 0 5 127.0.0.1:http 0.0.0.0:*",
        "tcp   LISTEN 0 5 127.0.0.1:99999 0.0.0.0:*",
        "tcp   LISTEN 0 5 [::1:80 [::]:*",
        "tcp   LISTEN 0 5 300.0.0.1:80 0.0.0.0:*",
        "sctp  LISTEN 0 5 0.0.0.0:80 0.0.0.0:*",
        "Netid-ish garbage line",
    ];

    [Theory]
    [MemberData(nameof(MalformedSsLines))]
    public void A_malformed_ss_line_is_skipped_with_a_warning(string malformed)
    {
        var text = File.ReadAllText(LocalScans.Data("ss-tulpn.txt"));
        var lines = text.Split('\n').ToList();
        lines.Insert(3, malformed);

        var (sockets, warnings) = Parse(SsOutput.Parse, string.Join('\n', lines));

        Assert.Equal(Captured.Order(StringComparer.Ordinal), sockets);
        var warning = Assert.Single(warnings);
        Assert.StartsWith("test line 4: expected 'Netid State", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Ss_process_columns_with_odd_names_keep_the_lowest_pid()
    {
        Assert.Equal(new Core.Scanning.OwningProcess(7, "a,b\"c"), SsOutput.LowestPidUser("users:((\"x\",pid=9,fd=1),(\"a,b\"c\",pid=7,fd=3))"));
        Assert.Null(SsOutput.LowestPidUser("users:((\"broken"));
        Assert.Null(SsOutput.LowestPidUser(""));
    }

    public static TheoryData<string> MalformedNetstatLines =>
    [
        "tcp        0      0 127.0.0.1:80",
        "tcp        0      0 127.0.0.1:x            0.0.0.0:*               LISTEN      1/a",
        "udp        0      0 0.0.0.0:68             0.0.0.0:*                           abc/dhclient",
        "raw        0      0 0.0.0.0:1              0.0.0.0:*               7           -",
        "tcp        0      0 127.0.0.1:80           0.0.0.0:*               LISTEN      pid/name",
    ];

    [Theory]
    [MemberData(nameof(MalformedNetstatLines))]
    public void A_malformed_netstat_line_is_skipped_with_a_warning(string malformed)
    {
        var lines = File.ReadAllText(LocalScans.Data("netstat-tulpnW.txt")).Split('\n').ToList();
        lines.Insert(4, malformed);

        var (sockets, warnings) = Parse(NetstatLinuxOutput.Parse, string.Join('\n', lines));

        Assert.Equal(Captured.Order(StringComparer.Ordinal), sockets);
        Assert.StartsWith("test line 5: expected 'Proto Recv-Q", Assert.Single(warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void Netstat_without_process_column_yields_sockets_without_owner()
    {
        var text = "Active Internet connections (only servers)\nProto Recv-Q Send-Q Local Address Foreign Address State\n" +
            "tcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN\nudp6       0      0 :::5353                 :::*\n";

        Assert.Equal(["tcp 0.0.0.0:22 -", "udp :::5353 -"], Parse(NetstatLinuxOutput.Parse, text).Sockets);
    }

    [Fact]
    public void Windows_netstat_yields_listening_tcp_and_udp_with_pids()
    {
        var (sockets, warnings) = Parse(NetstatWindowsOutput.Parse, File.ReadAllText(LocalScans.Data("windows-netstat-ano.txt")));

        Assert.Equal(
            WindowsSample.Order(StringComparer.Ordinal),
            sockets);
        Assert.Empty(warnings);
    }

    [Fact]
    public void Windows_netstat_in_another_language_is_read_by_its_addresses_not_its_words()
    {
        var german = "\r\nAktive Verbindungen\r\n\r\n  Proto  Lokale Adresse         Remoteadresse          Status           PID\r\n" +
            "  TCP    0.0.0.0:135            0.0.0.0:0              ABHÖREN         1004\r\n" +
            "  TCP    192.0.2.10:50432       203.0.113.5:443        HERGESTELLT     7788\r\n" +
            "  TCP    [::]:445               [::]:0                 EN ESCUCHA      4\r\n" +
            "  UDP    0.0.0.0:500            *:*                                    3000\r\n";

        Assert.Equal(["tcp 0.0.0.0:135 1004/", "tcp :::445 4/", "udp 0.0.0.0:500 3000/"], Parse(NetstatWindowsOutput.Parse, german).Sockets);
    }

    public static TheoryData<string> MalformedWindowsLines =>
    [
        "  TCP    0.0.0.0:135            0.0.0.0:0              LISTENING",
        "  TCP    0.0.0.0:x              0.0.0.0:0              LISTENING       1",
        "  UDP    0.0.0.0:5353           *:*                    LISTENING       2200",
        "  UDP    0.0.0.0:5353           *:*",
        "  TCP    0.0.0.0:135            0.0.0.0                LISTENING       1004",
    ];

    [Theory]
    [MemberData(nameof(MalformedWindowsLines))]
    public void A_malformed_windows_netstat_line_is_skipped_with_a_warning(string malformed)
    {
        var text = File.ReadAllText(LocalScans.Data("windows-netstat-ano.txt")) + malformed + "\r\n";

        var (sockets, warnings) = Parse(NetstatWindowsOutput.Parse, text);

        Assert.Equal(11, sockets.Count);
        Assert.Contains("test line 19: expected", Assert.Single(warnings), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0.0.0.0:22", "0.0.0.0", 22)]
    [InlineData("[::]:22", "::", 22)]
    [InlineData(":::22", "::", 22)]
    [InlineData("*:8080", "::", 8080)]
    [InlineData("127.0.0.53%lo:53", "127.0.0.53", 53)]
    [InlineData("[fe80::1]%eth0:123", "fe80::1", 123)]
    [InlineData("[fe80::1%12]:123", "fe80::1", 123)]
    [InlineData("fe80::1%eth0:123", "fe80::1", 123)]
    [InlineData("[::ffff:127.0.0.1]:80", "127.0.0.1", 80)]
    [InlineData("::ffff:10.0.0.1:80", "10.0.0.1", 80)]
    public void Endpoints_are_read_in_every_spelling_the_tools_use(string text, string address, int port)
    {
        Assert.True(EndpointText.TryParse(text, out var parsedAddress, out var parsedPort));
        Assert.Equal(IPAddress.Parse(address), parsedAddress);
        Assert.Equal(port, parsedPort);
    }

    [Theory]
    [InlineData("")]
    [InlineData(":22")]
    [InlineData("0.0.0.0:")]
    [InlineData("0.0.0.0:*")]
    [InlineData("0.0.0.0:65536")]
    [InlineData("[::1:22")]
    [InlineData("[[::1]]:22")]
    [InlineData("host.example:22")]
    public void Endpoints_that_are_not_an_address_and_port_are_rejected(string text) =>
        Assert.False(EndpointText.TryParse(text, out _, out _));

    private static (List<string> Sockets, List<string> Warnings) Parse(
        Func<TextReader, string, LocalPortFilter, LocalWarnings, IEnumerable<LocalSocket>> parse, string text)
    {
        var messages = new List<string>();
        var sockets = parse(new StringReader(text), "test", LocalPortFilter.All, new LocalWarnings(messages.Add))
            .Select(s => $"{s.Protocol.ToWireName()} {s.Address}:{s.Port} {(s.Process is { } p ? $"{p.Pid}/{p.Name}" : "-")}")
            .Order(StringComparer.Ordinal)
            .ToList();
        return (sockets, messages);
    }
}
