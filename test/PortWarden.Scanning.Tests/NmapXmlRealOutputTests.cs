using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;
using PortWarden.NetLab;

namespace PortWarden.Scanning.Tests;

/// <summary>The reader on XML that the real nmap writes during the test.</summary>
[Collection(NetworkLabTests.Name)]
public sealed partial class NmapXmlRealOutputTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Tcp_connect_scan_of_loopback_by_name()
    {
        using var listener = LoopbackConnectTests.Listen(IPAddress.Loopback);
        var open = LoopbackConnectTests.Port(listener);
        var closed = LoopbackConnectTests.FreePort(IPAddress.Loopback);
        var ports = $"{open},{closed}";

        var xml = await Nmap.XmlAsync(Cancel, "-sT", "-n", "-Pn", "-p", ports, "localhost");
        var (records, reader) = await NmapXmlParse.TextAsync(xml);

        var observations = records.OfType<Observation>().ToDictionary(o => o.Port);
        Assert.Equal((PortState.Open, Reasons.SynAck), (observations[open].State, observations[open].Reason));
        Assert.Equal((PortState.Closed, Reasons.ConnectionRefused), (observations[closed].State, observations[closed].Reason));
        var host = Assert.IsType<HostReport>(records[^1]);
        Assert.Equal((HostState.Up, Reasons.UserSet), (host.State, host.Reason));
        Assert.Equal(new Core.Targets.ScanTarget(IPAddress.Loopback, "localhost"), host.Target);
        Assert.Equal(new PortCounts(1, 1, 0), host.Counts);
        Assert.Contains("-sT", reader.Run!.Arguments, StringComparison.Ordinal);
        Assert.InRange(reader.Run.StartedAt!.Value, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.Equal(ports.Split(',').Select(p => int.Parse(p, CultureInfo.InvariantCulture)).Order(), reader.Run.RequestedPorts(Protocol.Tcp)!.Ports());
        Assert.Equal("success", reader.End!.Exit);
        Assert.False(reader.Truncated);
        Assert.False(reader.IdentifiedServices);
    }

    [Fact]
    public async Task Many_closed_ports_become_extraports_that_are_counted_not_listed()
    {
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(cancellationToken: Cancel);
        host.Listen(80);

        var xml = await Nmap.XmlAsync(Cancel, "-sT", "-n", "-Pn", "-p", "1-200", host.Address.ToString());
        var (records, _) = await NmapXmlParse.TextAsync(xml);

        Assert.Contains("<extraports state=\"closed\" count=\"199\"", xml, StringComparison.Ordinal);
        Assert.Equal([80], records.OfType<Observation>().Select(o => o.Port));
        Assert.Equal(new PortCounts(1, 199, 0), records.OfType<HostReport>().Single().Counts);
    }

    [Fact]
    public async Task Udp_scan_of_a_lab_host_maps_open_closed_and_open_filtered_and_reads_the_mac()
    {
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(cancellationToken: Cancel);
        await using var responder = host.ListenUdp(9999, _ => "pong"u8.ToArray(), host.Address);
        await host.SetFirewallAsync("udp dport 9001 drop");
        var mac = MacAddress().Match(await host.ExecAsync("ip", "-o", "link", "show", "type", "veth")).Groups[1].Value.ToUpperInvariant();

        var xml = await Nmap.XmlAsync(Cancel, "-sU", "-n", "-p", "9000,9001,9999", host.Address.ToString());
        var (records, reader) = await NmapXmlParse.TextAsync(xml);

        var states = records.OfType<Observation>().ToDictionary(o => o.Port, o => (o.Protocol, o.State, o.Reason));
        Assert.Equal((Protocol.Udp, PortState.Closed, Reasons.PortUnreachable), states[9000]);
        Assert.Equal((Protocol.Udp, PortState.OpenFiltered, Reasons.NoResponse), states[9001]);
        Assert.Equal((Protocol.Udp, PortState.Open, Reasons.UdpResponse), states[9999]);
        var report = records.OfType<HostReport>().Single();
        Assert.Equal(mac, report.MacAddress);
        Assert.Equal("udp", Assert.Single(reader.Run!.Scans).Protocol);
    }

    [Fact]
    public async Task Ack_scan_reports_unfiltered_and_filtered()
    {
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(cancellationToken: Cancel);
        await host.SetFirewallAsync("tcp dport 81 drop");

        var xml = await Nmap.XmlAsync(Cancel, "-sA", "-n", "-Pn", "-p", "80,81", host.Address.ToString());
        var (records, _) = await NmapXmlParse.TextAsync(xml);

        var states = records.OfType<Observation>().ToDictionary(o => o.Port, o => o.State);
        var report = records.OfType<HostReport>().Single();
        Assert.Equal(PortState.Filtered, states[81]);
        Assert.Equal(PortState.Unfiltered, states[80]);
        Assert.Equal(1, report.Counts.Other);
    }

    [Fact]
    public async Task Service_detection_reads_product_version_and_extra_info_of_a_real_banner()
    {
        await using var ssh = BannerServer.Ssh("9.2p1 Debian-2+deb12u3");

        var xml = await Nmap.XmlAsync(Cancel, "-sT", "-sV", "-n", "-Pn", "-p", ssh.Port.ToString(CultureInfo.InvariantCulture), "127.0.0.1");
        var (records, reader) = await NmapXmlParse.TextAsync(xml);

        var port = records.OfType<Observation>().Single();
        Assert.Equal(PortState.Open, port.State);
        Assert.Equal("ssh", port.Service);
        Assert.Equal("OpenSSH", port.Detail?.Product);
        Assert.StartsWith("9.2p1", port.Detail?.Version, StringComparison.Ordinal);
        Assert.Contains("protocol 2.0", port.Detail?.ExtraInfo, StringComparison.Ordinal);
        Assert.True(reader.IdentifiedServices);
    }

    [Fact]
    public async Task IPv6_and_down_hosts_of_a_verbose_scan()
    {
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(new LabHostOptions { WithIPv6 = true }, Cancel);
        host.Listen(443, IPAddress.IPv6Any);

        var v6 = await NmapXmlParse.TextAsync(await Nmap.XmlAsync(Cancel, "-6", "-sT", "-n", "-Pn", "-p", "443", host.AddressV6!.ToString()));
        var v4 = await NmapXmlParse.TextAsync(await Nmap.XmlAsync(Cancel, "-sT", "-v", "-n", "-p", "443", host.Range(10, 12)));

        var open = v6.Records.OfType<Observation>().Single();
        Assert.Equal((host.AddressV6, PortState.Open), (open.Target.Address, open.State));
        var reports = v4.Records.OfType<HostReport>().ToDictionary(r => r.Target.Address.ToString(), r => (r.State, r.Reason));
        Assert.Equal(HostState.Up, reports[host.Address.ToString()].State);
        Assert.Equal((HostState.Down, Reasons.NoResponse), reports[host.AddressAt(11).ToString()]);
        Assert.Equal((HostState.Down, Reasons.NoResponse), reports[host.AddressAt(12).ToString()]);
    }

    [GeneratedRegex("link/ether ([0-9a-f:]{17})")]
    private static partial Regex MacAddress();
}
