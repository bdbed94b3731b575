using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;

namespace PortWarden.Scanning.Tests;

/// <summary>nmap's "unknown" port state (statenum2str's default; nmap 7.91 and old versions write it) and method="table" service names.</summary>
public sealed class NmapXmlUnknownStateTests
{
    [Fact]
    public async Task A_port_in_state_unknown_is_undecided_not_an_observation()
    {
        var (records, _) = await NmapXmlParse.TextAsync(NmapXmlParse.Document(NmapXmlParse.Host("198.51.100.7",
            "<extraports state=\"closed\" count=\"98\"/>" + NmapXmlParse.Port(22, "open") + NmapXmlParse.Port(80, "unknown"))));

        var observation = Assert.Single(records.OfType<Observation>());
        var report = Assert.Single(records.OfType<HostReport>());
        Assert.Equal(22, observation.Port);
        Assert.Equal([new PortKey(Protocol.Tcp, 80)], report.Undecided);
    }

    [Fact]
    public async Task Unknown_grouped_ports_leave_every_unlisted_requested_port_undecided()
    {
        var (records, _) = await NmapXmlParse.TextAsync(NmapXmlParse.Document(NmapXmlParse.Host("198.51.100.7",
            "<extraports state=\"unknown\" count=\"99\"/>" + NmapXmlParse.Port(22, "open"))));

        var report = Assert.Single(records.OfType<HostReport>());
        Assert.Equal(Enumerable.Range(1, 100).Where(port => port != 22).Select(port => new PortKey(Protocol.Tcp, port)), report.Undecided);
    }

    [Fact]
    public async Task Zero_unknown_grouped_ports_as_nmap_3_writes_them_change_nothing()
    {
        var (records, _) = await NmapXmlParse.TextAsync(NmapXmlParse.Document(NmapXmlParse.Host("198.51.100.7",
            "<extraports state=\"unknown\" count=\"0\"/>" + NmapXmlParse.Port(22, "open"))));

        Assert.Empty(Assert.Single(records.OfType<HostReport>()).Undecided);
    }

    [Theory]
    [InlineData("<service name=\"icslap\" method=\"table\" conf=\"3\"/>", true)]
    [InlineData("<service name=\"ssh\" product=\"OpenSSH\" method=\"probed\" conf=\"10\"/>", false)]
    [InlineData("", false)]
    public async Task A_service_name_nmap_only_looked_up_in_its_table_is_marked_guessed(string service, bool guessed)
    {
        var (records, _) = await NmapXmlParse.TextAsync(NmapXmlParse.Document(NmapXmlParse.Host("198.51.100.7", NmapXmlParse.Port(22, "open", service: service))));

        Assert.Equal(guessed, Assert.Single(records.OfType<Observation>()).ServiceGuessed);
    }
}
