using PortWarden.Core.Targets;

namespace PortWarden.Core.Tests;

public sealed class TargetEntryTests
{
    [Theory]
    [InlineData("10.0.0.250-10.0.1.5", "10.0.0.250/31 10.0.0.252/30 10.0.1.0/30 10.0.1.4/31")]
    [InlineData("10.0.0.0/24", "10.0.0.0/24")]
    [InlineData("0.0.0.0/0", "0.0.0.0/0")]
    [InlineData("10.0.0.7-10.0.0.7", "10.0.0.7/32")]
    [InlineData("::/0", "::/0")]
    [InlineData("fd00::1-fd00::6", "fd00::1/128 fd00::2/127 fd00::4/127 fd00::6/128")]
    public void A_range_is_covered_exactly_by_the_fewest_cidr_blocks(string spec, string expected)
    {
        var range = Assert.IsType<AddressRangeEntry>(Assert.Single(TargetSpec.Parse(spec).Entries));

        Assert.Equal(expected, string.Join(' ', range.CidrBlocks().Select(block => $"{block.Network}/{block.PrefixLength}")));
    }

    [Fact]
    public void Octet_patterns_expose_each_octets_ranges()
    {
        var pattern = Assert.IsType<OctetPatternEntry>(Assert.Single(TargetSpec.Parse("10.0.1-3,5,7-8.*").Entries));

        Assert.Equal([(10, 10)], pattern.OctetRanges(0));
        Assert.Equal([(1, 3), (5, 5), (7, 8)], pattern.OctetRanges(2));
        Assert.Equal([(0, 255)], pattern.OctetRanges(3));
    }
}
