using System.Net;
using PortWarden.Core.Targets;

namespace PortWarden.Core.Tests;

public sealed class TargetSpecTests
{
    [Theory]
    [InlineData("192.168.1.1", "192.168.1.1")]
    [InlineData("10.0.0.0/30", "10.0.0.0 10.0.0.1 10.0.0.2 10.0.0.3")]
    [InlineData("10.0.0.5/31", "10.0.0.4 10.0.0.5")]
    [InlineData("192.168.1.20-23", "192.168.1.20 192.168.1.21 192.168.1.22 192.168.1.23")]
    [InlineData("10.0.1-2.1-2", "10.0.1.1 10.0.1.2 10.0.2.1 10.0.2.2")]
    [InlineData("10.0.0.1,3,5-6", "10.0.0.1 10.0.0.3 10.0.0.5 10.0.0.6")]
    [InlineData("10.0.1,3.7", "10.0.1.7 10.0.3.7")]
    [InlineData("10.0.0.254-10.0.1.1", "10.0.0.254 10.0.0.255 10.0.1.0 10.0.1.1")]
    [InlineData("10.0.0.1 10.0.0.2,10.0.0.3, 10.0.0.4", "10.0.0.1 10.0.0.2 10.0.0.3 10.0.0.4")]
    [InlineData("10.0.0.1-2 10.0.0.2-3", "10.0.0.1 10.0.0.2 10.0.0.3")]
    [InlineData("10.0.0.-2", "10.0.0.0 10.0.0.1 10.0.0.2")]
    [InlineData("10.0.0.254-", "10.0.0.254 10.0.0.255")]
    [InlineData("fd00::1", "fd00::1")]
    [InlineData("[fd00::2]", "fd00::2")]
    [InlineData("fd00::/126", "fd00:: fd00::1 fd00::2 fd00::3")]
    [InlineData("fd00::fe-fd00::101", "fd00::fe fd00::ff fd00::100 fd00::101")]
    [InlineData("fd00::1, 10.0.0.1", "fd00::1 10.0.0.1")]
    public void Every_form_enumerates_its_addresses_in_order(string spec, string expected)
    {
        var set = TargetSet.Create(TargetSpec.Parse(spec));

        Assert.Equal(expected.Split(' '), set.Enumerate().Select(t => t.Address.ToString()));
        Assert.Equal(expected.Split(' ').Length, set.Count());
    }

    [Fact]
    public void Exclusions_use_the_same_syntax()
    {
        var set = TargetSet.Create(TargetSpec.Parse("10.0.0.0/28"), TargetSpec.Parse("10.0.0.0-3 10.0.0.8/29,10.0.0.5"));

        Assert.Equal(["10.0.0.4", "10.0.0.6", "10.0.0.7"], set.Enumerate().Select(t => t.Address.ToString()));
    }

    [Fact]
    public void A_slash_8_is_enumerated_lazily()
    {
        var set = TargetSet.Create(TargetSpec.Parse("10.0.0.0/8"), allowLarge: true);

        Assert.Equal((UInt128)16_777_216, set.CountUpperBound);
        Assert.Equal("10.0.0.0", set.Enumerate().First().Address.ToString());
        Assert.Equal("10.0.3.232", set.Enumerate().Skip(1000).First().Address.ToString());
    }

    [Theory]
    [InlineData("10.0.0.0/11")]
    [InlineData("fd00::/100")]
    [InlineData("10.0.0.0/12 10.16.0.1")]
    [InlineData("*.*.*.*")]
    public void More_than_2_to_the_20_addresses_need_allow_large(string spec)
    {
        var error = Assert.Throws<SpecFormatException>(() => TargetSet.Create(TargetSpec.Parse(spec)));

        Assert.Contains("--allow-large", error.Message, StringComparison.Ordinal);
        Assert.NotNull(TargetSet.Create(TargetSpec.Parse(spec), allowLarge: true));
    }

    [Fact]
    public void Exactly_2_to_the_20_addresses_are_allowed() =>
        Assert.Equal((UInt128)(1 << 20), TargetSet.Create(TargetSpec.Parse("10.0.0.0/12")).CountUpperBound);

    [Fact]
    public async Task Host_names_resolve_once_and_keep_their_name()
    {
        var resolver = new CountingResolver(IPAddress.Parse("192.0.2.7"));
        var spec = TargetSpec.Parse("gateway.example gateway.example/31 10.0.0.1");

        var resolved = await spec.ResolveAsync(resolver, CancellationToken.None);
        var targets = TargetSet.Create(resolved).Enumerate().ToList();

        Assert.Equal(2, resolver.Calls);
        Assert.Equal(new ScanTarget(IPAddress.Parse("192.0.2.7"), "gateway.example"), targets[0]);
        Assert.Equal(["192.0.2.7", "192.0.2.6", "10.0.0.1"], targets.Select(t => t.Address.ToString()));
    }

    [Fact]
    public async Task Host_names_prefer_an_IPv4_address()
    {
        var resolver = new CountingResolver(IPAddress.Parse("2001:db8::5"), IPAddress.Parse("192.0.2.5"));

        var resolved = await TargetSpec.Parse("dual.example").ResolveAsync(resolver, CancellationToken.None);

        Assert.Equal("192.0.2.5", TargetSet.Create(resolved).Enumerate().Single().Address.ToString());
    }

    [Fact]
    public async Task A_name_that_does_not_resolve_is_an_error_naming_it()
    {
        var spec = TargetSpec.Parse("10.0.0.1 no-such-host.invalid");

        var error = await Assert.ThrowsAsync<SpecFormatException>(() => spec.ResolveAsync(new SystemHostResolver(), CancellationToken.None));

        Assert.Equal("no-such-host.invalid", error.Token);
        Assert.Equal(10, error.Position);
        Assert.Contains("does not resolve", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Localhost_resolves_through_the_system()
    {
        var resolved = await TargetSpec.Parse("localhost").ResolveAsync(new SystemHostResolver(), CancellationToken.None);

        var target = TargetSet.Create(resolved).Enumerate().Single();
        Assert.True(IPAddress.IsLoopback(target.Address));
        Assert.Equal("localhost", target.HostName);
    }

    [Theory]
    [InlineData("10.0.0.256", "10.0.0.256", 1, "octet 4 value 256 is out of range 0-255")]
    [InlineData("10.0.0", "10.0.0", 1, "4 octets")]
    [InlineData("10.0.0.1.5", "10.0.0.1.5", 1, "4 octets")]
    [InlineData("10.0.0.1 10.0..1", "10.0..1", 10, "octet 3 is empty")]
    [InlineData("192.168.1.100-20", "192.168.1.100-20", 1, "reversed")]
    [InlineData("10.0.0.9-10.0.0.1", "10.0.0.9-10.0.0.1", 1, "reversed")]
    [InlineData("10.0.0.1-fd00::1", "10.0.0.1-fd00::1", 1, "IPv6")]
    [InlineData("10.0.0.0/33", "10.0.0.0/33", 1, "prefix length 33 is out of range 0-32")]
    [InlineData("fd00::/129", "fd00::/129", 1, "prefix length 129 is out of range 0-128")]
    [InlineData("10.0.0.0/x", "10.0.0.0/x", 1, "not a number")]
    [InlineData("fd00::gg", "fd00::gg", 1, "not a valid IPv6 address")]
    [InlineData("a,,b", ",", 3, "empty entry")]
    [InlineData(",a", ",", 1, "empty entry")]
    [InlineData("a,", ",", 2, "empty entry")]
    [InlineData("good.example bad_host!", "bad_host!", 14, "not an IPv4 or IPv6 address")]
    [InlineData("-oX", "-oX", 1, "cannot start with '-'")]
    [InlineData("10.0.0.1-2-3", "10.0.0.1-2-3", 1, "not a number or a range")]
    [InlineData("10.0.0.*5", "10.0.0.*5", 1, "not a number or a range")]
    public void Bad_entries_name_the_token_and_its_position(string spec, string token, int position, string reason)
    {
        var error = Assert.Throws<SpecFormatException>(() => TargetSpec.Parse(spec));

        Assert.Equal(token, error.Token);
        Assert.Equal(position, error.Position);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_target_list_is_an_error()
    {
        var error = await Assert.ThrowsAsync<SpecFormatException>(() =>
            TargetSet.ParseAsync("  ", null, allowLarge: false, new SystemHostResolver(), CancellationToken.None));

        Assert.Contains("no targets", error.Message, StringComparison.Ordinal);
    }

    private sealed class CountingResolver(params IPAddress[] addresses) : IHostResolver
    {
        public int Calls { get; private set; }

        public Task<IReadOnlyList<IPAddress>> ResolveAsync(string hostName, CancellationToken cancellationToken)
        {
            Calls++;
            return Task.FromResult<IReadOnlyList<IPAddress>>(addresses);
        }
    }
}
