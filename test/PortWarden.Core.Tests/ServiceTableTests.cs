using PortWarden.Core.Ports;

namespace PortWarden.Core.Tests;

public sealed class ServiceTableTests
{
    [Theory]
    [InlineData(Protocol.Tcp, 22, "ssh")]
    [InlineData(Protocol.Tcp, 8080, "http-proxy")]
    [InlineData(Protocol.Udp, 53, "domain")]
    [InlineData(Protocol.Udp, 161, "snmp")]
    [InlineData(Protocol.Tcp, 161, null)]
    [InlineData(Protocol.Tcp, 40000, null)]
    public void Well_known_ports_have_names(Protocol protocol, int port, string? name) =>
        Assert.Equal(name, ServiceTable.Default.NameOf(protocol, port));

    [Fact]
    public void Aliases_resolve_to_their_ports() =>
        Assert.Contains((Protocol.Tcp, 8080), ServiceTable.Default.PortsNamed("http-alt"));

    [Fact]
    public void A_malformed_table_line_is_reported_with_its_number()
    {
        var error = Assert.Throws<FormatException>(() => ServiceTable.Parse(new StringReader("22/tcp\tssh\nnonsense\n")));

        Assert.Contains("line 2", error.Message, StringComparison.Ordinal);
    }
}
