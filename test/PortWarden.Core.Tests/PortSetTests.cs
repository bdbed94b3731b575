using PortWarden.Core.Ports;

namespace PortWarden.Core.Tests;

public sealed class PortSetTests
{
    [Fact]
    public void Ports_enumerate_in_ascending_order_without_duplicates()
    {
        var set = PortSet.Of([65535, 1, 80, 80, 64, 63]);

        Assert.Equal([1, 63, 64, 80, 65535], set.Ports());
        Assert.Equal(5, set.Count);
        Assert.True(set.Contains(64));
        Assert.False(set.Contains(0));
        Assert.False(set.Contains(65536));
    }

    [Fact]
    public void The_empty_set_has_no_ports() => Assert.True(PortSet.Empty.IsEmpty);
}
