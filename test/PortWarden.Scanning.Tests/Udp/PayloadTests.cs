using System.Text;
using PortWarden.Core.Ports;
using PortWarden.Scanning.Udp.Payloads;

namespace PortWarden.Scanning.Tests.Udp;

/// <summary>Each probe against the bytes its specification prescribes, and each recogniser against answers built from the specification.</summary>
public sealed class PayloadTests
{
    private static byte[] Hex(string text) => Convert.FromHexString(text.Replace(" ", "", StringComparison.Ordinal));

    [Fact]
    public void Dns_probe_asks_for_the_chaos_txt_record_version_bind()
    {
        var query = new DnsPayload().Build(0x1234);

        Assert.Equal(Hex("1234 0000 0001 0000 0000 0000 07 76657273696f6e 04 62696e64 00 0010 0003"), query);
    }

    [Fact]
    public void Dns_answer_with_a_version_names_the_product()
    {
        var answer = Hex("1234 8400 0001 0001 0000 0000 07 76657273696f6e 04 62696e64 00 0010 0003" +
            "c00c 0010 0003 00000000 000d 0c 646e736d6173712d322e3930");

        var match = new DnsPayload().Recognise(answer);

        Assert.Equal("domain", match!.Service);
        Assert.Equal(("dnsmasq", "2.90"), (match.Detail!.Product, match.Detail.Version));
    }

    [Fact]
    public void Dns_refusal_is_still_a_dns_server_and_a_query_is_not_an_answer()
    {
        var refused = Hex("1234 8405 0001 0000 0000 0000 07 76657273696f6e 04 62696e64 00 0010 0003");

        Assert.Equal("version.bind: REFUSED", new DnsPayload().Recognise(refused)!.Detail!.ExtraInfo);
        Assert.Null(new DnsPayload().Recognise(new DnsPayload().Build(1)));
        Assert.Null(new DnsPayload().Recognise(Hex("1234 84")));
    }

    [Fact]
    public void Mdns_probe_asks_for_service_types_with_a_unicast_answer_and_reads_them()
    {
        var query = new MdnsPayload().Build(7);
        Assert.Equal(Hex("8001"), query[^2..]);
        Assert.Equal("_services"u8.ToArray(), query[13..22]);

        var answer = Hex("0000 8400 0000 0001 0000 0000 09 5f7365727669636573 07 5f646e732d7364 04 5f756470 05 6c6f63616c 00" +
            "000c 0001 00001194 000c 05 5f68747470 04 5f746370 c023");
        var match = new MdnsPayload().Recognise(answer);

        Assert.Equal("services: _http._tcp.local", match!.Detail!.ExtraInfo);
    }

    [Fact]
    public void Ntp_probe_is_a_version_4_client_request_and_a_server_answer_gives_the_stratum()
    {
        var request = new NtpPayload().Build(5);
        Assert.Equal(48, request.Length);
        Assert.Equal(0x23, request[0]);

        var server = new byte[48];
        server[0] = 0x24;
        server[1] = 2;
        var match = new NtpPayload().Recognise(server);

        Assert.Equal(("NTP", "v4", "stratum 2"), (match!.Detail!.Product, match.Detail.Version, match.Detail.ExtraInfo));
        Assert.Null(new NtpPayload().Recognise(request));
    }

    [Fact]
    public void Snmp_v2c_probe_is_a_get_request_for_sysdescr_with_community_public()
    {
        Assert.Equal(
            Hex("3027 020101 04067075626c6963 a01a 02021234 020100 020100 300e 300c 06082b06010201010100 0500"),
            SnmpPayload.V2c.Build(0x1234));
        Assert.Equal(0x00, SnmpPayload.V1.Build(0x1234)[4]);
    }

    [Fact]
    public void Snmp_v3_probe_is_an_engine_discovery_request()
    {
        var probe = SnmpPayload.V3.Build(0x0102);

        Assert.Equal(Hex("020103"), probe[2..5]);
        Assert.Equal(Hex("040104"), probe[16..19]); // msgFlags: reportable
    }

    [Fact]
    public void Snmp_get_response_gives_the_system_description()
    {
        var response = Hex("3032 020101 04067075626c6963 a225 02021234 020100 020100 3019 3017 06082b06010201010100 040b 4c696e757820626f782031");

        var match = SnmpPayload.V2c.Recognise(response);

        Assert.Equal(("SNMP", "v2c", "community public", "Linux box 1"), (match!.Detail!.Product, match.Detail.Version, match.Detail.ExtraInfo, match.Detail.Banner));
        Assert.Null(SnmpPayload.V2c.Recognise(SnmpPayload.V2c.Build(1)));
    }

    [Fact]
    public void Netbios_probe_is_a_node_status_request_for_the_wildcard_name_and_the_answer_lists_names()
    {
        var probe = new NetBiosNamePayload().Build(0x0a0b);
        Assert.Equal(50, probe.Length);
        Assert.Equal("CKAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", Encoding.ASCII.GetString(probe, 13, 32));
        Assert.Equal(Hex("0021 0001"), probe[^4..]);

        var name = Encoding.ASCII.GetBytes("FILESERVER     ");
        var group = Encoding.ASCII.GetBytes("WORKGROUP      ");
        byte[] data = [2, .. name, 0x20, 0x04, 0x00, .. group, 0x00, 0x84, 0x00];
        byte[] answer = [.. Hex("0a0b 8400 0000 0001 0000 0000 20"), .. Encoding.ASCII.GetBytes("CKAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), 0,
            .. Hex("0021 0001 00000000"), 0, (byte)data.Length, .. data];

        var match = new NetBiosNamePayload().Recognise(answer);

        Assert.Equal("names: FILESERVER, WORKGROUP (group)", match!.Detail!.ExtraInfo);
    }

    [Fact]
    public void Ssdp_probe_searches_everything_and_the_answer_names_the_server()
    {
        Assert.StartsWith("M-SEARCH * HTTP/1.1\r\n", Encoding.ASCII.GetString(new SsdpPayload().Build(0)), StringComparison.Ordinal);

        var match = new SsdpPayload().Recognise("HTTP/1.1 200 OK\r\nST: upnp:rootdevice\r\nSERVER: Linux/5.10 UPnP/1.0 MiniUPnPd/2.3\r\n\r\n"u8);

        Assert.Equal("Linux/5.10 UPnP/1.0 MiniUPnPd/2.3", match!.Detail!.Product);
    }

    [Fact]
    public void Dhcp_probe_is_an_inform_and_a_bootreply_is_recognised()
    {
        var probe = new DhcpPayload().Build(1);
        Assert.Equal((1, 0x63, 53, 8), (probe[0], probe[236], probe[240], probe[242]));

        var reply = (byte[])probe.Clone();
        reply[0] = 2;
        reply[242] = 5;
        Assert.Equal("answered DHCPACK", new DhcpPayload().Recognise(reply)!.Detail!.ExtraInfo);
        Assert.Null(new DhcpPayload().Recognise(probe));
    }

    [Fact]
    public void Tftp_probe_reads_a_file_and_an_error_from_any_port_is_recognised()
    {
        var probe = new TftpPayload().Build(0xbeef);
        Assert.Equal("\0\u0001portwarden-beef.probe\0octet\0", Encoding.ASCII.GetString(probe));
        Assert.True(((IUdpPayload)new TftpPayload()).AnswersFromOtherPort);

        var match = new TftpPayload().Recognise([0, 5, 0, 1, .. "File not found"u8, 0]);

        Assert.Equal("error 1: File not found", match!.Detail!.ExtraInfo);
    }

    [Fact]
    public void Sip_probe_is_an_options_request_and_the_answer_names_the_server()
    {
        var probe = Encoding.ASCII.GetString(new SipPayload().Build(0x42));
        Assert.StartsWith("OPTIONS sip:probe@portwarden.invalid SIP/2.0\r\n", probe, StringComparison.Ordinal);
        Assert.Contains(";rport\r\n", probe, StringComparison.Ordinal);
        Assert.EndsWith("Content-Length: 0\r\n\r\n", probe, StringComparison.Ordinal);

        var match = new SipPayload().Recognise("SIP/2.0 200 OK\r\nServer: Asterisk PBX 18.10\r\n\r\n"u8);

        Assert.Equal(("Asterisk PBX 18.10", "200 OK"), (match!.Detail!.Product, match.Detail.ExtraInfo));
    }

    [Fact]
    public void Ike_probe_is_a_main_mode_message_with_one_proposal()
    {
        var probe = IkePayload.Isakmp.Build(1);

        Assert.Equal(80, probe.Length);
        Assert.Equal((1, 0x10, 2), (probe[16], probe[17], probe[18]));
        Assert.Equal(Hex("00000050"), probe[24..28]);
        Assert.Equal(Hex("00000000"), IkePayload.NatTraversal.Build(1)[..4]);

        byte[] reply = [.. probe[..8], .. Hex("0102030405060708 01 10 02 00 00000000 0000001c")];
        Assert.Equal(("IKEv1", "Main Mode"), (IkePayload.Isakmp.Recognise(reply)!.Detail!.Version, IkePayload.Isakmp.Recognise(reply)!.Detail!.ExtraInfo));
    }

    [Fact]
    public void Rpc_probe_is_a_null_call_and_replies_tell_the_versions()
    {
        var call = RpcPayload.Portmapper.Build(1);
        Assert.Equal(Hex("00000000 00000002 000186a0 00000002 00000000"), call[4..24]);

        var accepted = Hex("50570001 00000001 00000000 00000000 00000000 00000000");
        var mismatch = Hex("50570001 00000001 00000000 00000000 00000000 00000002 00000002 00000004");

        Assert.Equal("program 100000 version 2", RpcPayload.Portmapper.Recognise(accepted)!.Detail!.ExtraInfo);
        Assert.Equal("program 100000 versions 2-4", RpcPayload.Portmapper.Recognise(mismatch)!.Detail!.ExtraInfo);
        Assert.Null(RpcPayload.Portmapper.Recognise(call));
    }

    [Fact]
    public void Memcached_probe_is_a_framed_version_command_and_the_answer_gives_the_version()
    {
        Assert.Equal([.. Hex("0007 0000 0001 0000"), .. "version\r\n"u8], new MemcachedPayload().Build(7));

        var match = new MemcachedPayload().Recognise([.. Hex("0007 0000 0001 0000"), .. "VERSION 1.6.18\r\n"u8]);

        Assert.Equal(("memcached", "1.6.18"), (match!.Detail!.Product, match.Detail.Version));
    }

    [Fact]
    public void Stun_probe_is_a_binding_request_and_the_answer_names_the_software()
    {
        var probe = new StunPayload().Build(3);
        Assert.Equal(Hex("0001 0000 2112a442"), probe[..8]);

        byte[] answer = [.. Hex("0101 000c 2112a442"), .. probe[8..20], .. Hex("8022 0008"), .. "coturn-4"u8];
        Assert.Equal("coturn-4", new StunPayload().Recognise(answer)!.Detail!.Product);
    }

    [Fact]
    public void Other_probes_match_their_specifications()
    {
        Assert.Equal([0x03], new MsSqlBrowserPayload().Build(0));
        var sql = new MsSqlBrowserPayload().Recognise([0x05, 0x40, 0x00, .. "ServerName;DB1;InstanceName;SQLEXPRESS;IsClustered;No;Version;15.0.2000.5;tcp;1433;;"u8]);
        Assert.Equal(("15.0.2000.5", "instance SQLEXPRESS"), (sql!.Detail!.Version, sql.Detail.ExtraInfo));

        Assert.Equal([.. Hex("4001 1234 bb"), .. ".well-known"u8, 0x04, .. "core"u8], new CoapPayload().Build(0x1234));
        Assert.Equal("response 2.05", new CoapPayload().Recognise(Hex("6045 1234 ff"))!.Detail!.ExtraInfo);

        Assert.Equal([0, 0], new NatPmpPayload().Build(0));
        Assert.Equal("external address 203.0.113.7", new NatPmpPayload().Recognise(Hex("0080 0000 00001000 cb007107"))!.Detail!.ExtraInfo);

        Assert.Equal(0x38, new OpenVpnPayload().Build(1)[0]);
        Assert.NotNull(new OpenVpnPayload().Recognise(Hex("40 0102030405060708 00 00000000 00")));

        Assert.Equal(Hex("00010002000100"), new XdmcpPayload().Build(0));
        Assert.Equal("willing", new XdmcpPayload().Recognise(Hex("0001 0005 0004 00000000"))!.Detail!.ExtraInfo);

        var echo = new EchoPayload().Build(9);
        Assert.NotNull(new EchoPayload().Recognise(echo));
        Assert.Null(new EchoPayload().Recognise("hello"u8));
    }

    [Fact]
    public void Every_probe_is_registered_under_its_ports_with_the_services_table_name()
    {
        foreach (var payload in UdpPayloads.All)
        {
            foreach (var port in payload.Ports)
            {
                Assert.Contains(payload, UdpPayloads.For(port));
                var known = ServiceTable.Default.NameOf(Protocol.Udp, port);
                Assert.True(known is null || known == payload.Service, $"{payload.Service} on {port}: the services table says {known}");
            }
        }
    }

    [Fact]
    public void Attempts_on_the_snmp_port_take_turns_between_versions_and_other_ports_get_an_empty_datagram()
    {
        Assert.Equal([SnmpPayload.V2c, SnmpPayload.V3, SnmpPayload.V1, SnmpPayload.V2c],
            Enumerable.Range(0, 4).Select(attempt => UdpPayloads.ForAttempt(161, attempt)));
        Assert.Null(UdpPayloads.ForAttempt(40000, 0));
    }
}
