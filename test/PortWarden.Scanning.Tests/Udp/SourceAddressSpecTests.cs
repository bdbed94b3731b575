using System.Net;
using PortWarden.Core;
using PortWarden.Core.Scanning;
using PortWarden.Scanning.Udp;

namespace PortWarden.Scanning.Tests.Udp;

public sealed class SourceAddressSpecTests
{
    [Fact]
    public void A_range_lists_its_addresses_in_order()
    {
        var spec = SourceAddressSpec.Parse("198.18.5.10-13");

        Assert.Null(spec.Count);
        Assert.Equal(["198.18.5.10", "198.18.5.11", "198.18.5.12", "198.18.5.13"], spec.Addresses.Select(a => a.ToString()));
    }

    [Fact]
    public void A_number_means_that_many_addresses_of_the_interface()
    {
        var spec = SourceAddressSpec.Parse("256");

        Assert.Equal(256, spec.Count);
        Assert.Empty(spec.Addresses);
    }

    [Theory]
    [InlineData("0", "invalid source address '0' at position 1: a count of source addresses must be between 1 and 4096")]
    [InlineData("5000", "between 1 and 4096")]
    [InlineData("10.0.0.1,10.0.0.300", "invalid source address '10.0.0.300' at position 10")]
    [InlineData("localhost", "source addresses must be IP addresses, not host names")]
    [InlineData("10.0.0.0/8", "more than 4096 source addresses")]
    [InlineData(" ", "no source addresses given")]
    public void Bad_specs_name_the_token_and_its_position(string text, string message)
    {
        var error = Assert.Throws<SpecFormatException>(() => SourceAddressSpec.Parse(text));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Addresses_this_machine_does_not_have_are_refused_by_name()
    {
        Assert.Null(Record.Exception(() => SourceAddressResolver.Validate(SourceAddressSpec.Parse("127.0.0.1"))));

        var error = Assert.Throws<SpecFormatException>(() => SourceAddressResolver.Validate(SourceAddressSpec.Parse("127.0.0.1,192.0.2.250")));

        Assert.Contains("192.0.2.250 is not an address of this machine", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_count_takes_the_first_addresses_of_the_interface_towards_the_target()
    {
        var resolver = new SourceAddressResolver(SourceAddressSpec.Parse("1"));

        Assert.Equal([IPAddress.Loopback], resolver.For(IPAddress.Loopback));
        Assert.Throws<IOException>(() => new SourceAddressResolver(SourceAddressSpec.Parse("4000")).For(IPAddress.Loopback));
    }
}
