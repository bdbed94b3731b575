using PortWarden.Core.Ports;

namespace PortWarden.Core.Tests;

public sealed class PortSpecTests
{
    [Theory]
    [InlineData("22", "22")]
    [InlineData("22,80,443", "22,80,443")]
    [InlineData("8000-8003", "8000-8003")]
    [InlineData("22,80,8000-8100", "22,80,8000-8100")]
    [InlineData("-", "1-65535")]
    [InlineData("-1024", "1-1024")]
    [InlineData("60000-", "60000-65535")]
    [InlineData("1,1,2,3", "1-3")]
    [InlineData(" 22 , 80 ", "22,80")]
    [InlineData("ssh,https", "22,443")]
    [InlineData("http*", "80,443,8000,8008,8080,8443")]
    [InlineData("T:22,U:53", "22")]
    public void Tcp_ports_of_nmap_style_lists(string spec, string expectedTcp) =>
        Assert.Equal(expectedTcp, PortSpec.Parse(spec).For(Protocol.Tcp).ToString());

    [Theory]
    [InlineData("T:1-1024,U:53,161", "53,161")]
    [InlineData("U:53,T:22,80", "53")]
    [InlineData("t:22,u:53-54", "53-54")]
    [InlineData("22", "22")]
    [InlineData("domain", "53")]
    [InlineData("snmp", "161")]
    public void Udp_ports_of_prefixed_lists(string spec, string expectedUdp) =>
        Assert.Equal(expectedUdp, PortSpec.Parse(spec).For(Protocol.Udp).ToString());

    [Fact]
    public void A_prefix_applies_until_the_next_prefix()
    {
        var spec = PortSpec.Parse("T:1-3,5,U:7,9");

        Assert.Equal("1-3,5", spec.For(Protocol.Tcp).ToString());
        Assert.Equal("7,9", spec.For(Protocol.Udp).ToString());
        Assert.True(spec.NamesExplicitly(Protocol.Udp));
    }

    [Fact]
    public void Unprefixed_ports_apply_to_both_protocols_and_name_neither_explicitly()
    {
        var spec = PortSpec.Parse("22-23");

        Assert.Equal(2, spec.For(Protocol.Tcp).Count);
        Assert.Equal(2, spec.For(Protocol.Udp).Count);
        Assert.False(spec.NamesExplicitly(Protocol.Udp));
    }

    [Fact]
    public void Excluded_ports_are_removed_per_protocol()
    {
        var spec = PortSpec.Parse("T:1-100,U:1-100", "T:22,50-60,U:53");

        Assert.Equal("1-21,23-49,61-100", spec.For(Protocol.Tcp).ToString());
        Assert.Equal("1-52,54-100", spec.For(Protocol.Udp).ToString());
        Assert.Equal(88, spec.For(Protocol.Tcp).Count);
    }

    [Fact]
    public void Canonical_text_round_trips()
    {
        var spec = PortSpec.Parse("T:1-1024,U:53,161,T:ssh,2000-2001", "T:25");

        var again = PortSpec.Parse(spec.IncludeText, spec.ExcludeText);

        Assert.Equal(spec.For(Protocol.Tcp).ToString(), again.For(Protocol.Tcp).ToString());
        Assert.Equal(spec.For(Protocol.Udp).ToString(), again.For(Protocol.Udp).ToString());
        Assert.Equal("53,161", again.For(Protocol.Udp).ToString());
    }

    [Fact]
    public void The_default_covers_the_first_1024_ports_and_well_known_services()
    {
        var tcp = PortSpec.Default.For(Protocol.Tcp);

        Assert.True(tcp.Contains(1) && tcp.Contains(1024));
        Assert.True(tcp.Contains(8080) && tcp.Contains(3306) && tcp.Contains(5432));
        Assert.True(PortSpec.Default.For(Protocol.Udp).Contains(5353));
    }

    [Theory]
    [InlineData("22,,80", "", 4, "empty item")]
    [InlineData(",22", "", 1, "empty item")]
    [InlineData("22,", "", 4, "empty item")]
    [InlineData("0", "0", 1, "port 0 is not a valid port")]
    [InlineData("22,0-10", "0-10", 4, "port 0 is not a valid port")]
    [InlineData("65536", "65536", 1, "out of range 1-65535")]
    [InlineData("80,99999999999", "99999999999", 4, "out of range 1-65535")]
    [InlineData("100-10", "100-10", 1, "reversed")]
    [InlineData("1-2-3", "1-2-3", 1, "exactly one '-'")]
    [InlineData("22,nosuchservice", "nosuchservice", 4, "unknown service name")]
    [InlineData("U:ssh", "ssh", 3, "no UDP service")]
    [InlineData("S:22", "S:22", 1, "SCTP")]
    [InlineData("X:22", "X:22", 1, "unknown protocol prefix")]
    [InlineData("T:", "T:", 1, "prefix without ports")]
    [InlineData("[1-1024]", "[1-1024]", 1, "bracketed")]
    [InlineData("22;80", "22;80", 1, "not a port number")]
    [InlineData("80,-http", "-http", 4, "not a port number")]
    public void Bad_specs_name_the_item_and_its_position(string spec, string token, int position, string reason)
    {
        var error = Assert.Throws<SpecFormatException>(() => PortSpec.Parse(spec));

        Assert.Equal(token, error.Token);
        Assert.Equal(position, error.Position);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Equal("port", error.Kind);
    }

    [Fact]
    public void Errors_in_the_exclude_list_say_so()
    {
        var error = Assert.Throws<SpecFormatException>(() => PortSpec.Parse("1-100", "22,70000"));

        Assert.Equal("excluded port", error.Kind);
        Assert.Equal(4, error.Position);
        Assert.StartsWith("invalid excluded port '70000' at position 4", error.Message, StringComparison.Ordinal);
    }
}
