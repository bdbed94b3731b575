using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;

namespace PortWarden.Scanning.Tests;

public sealed class ScanPlanTests
{
    private readonly TimeProvider time = TimeProvider.System;

    [Theory]
    [InlineData(null, "22,80", true, "connect", "22,80", "")]
    [InlineData(null, "T:22,U:53", true, "connect+udp", "22", "53")]
    [InlineData(null, "U:53,161", true, "udp", "", "53,161")]
    [InlineData("connect+udp", "T:22,U:53", true, "connect+udp", "22", "53")]
    [InlineData("udp", "53,161", true, "udp", "", "53,161")]
    [InlineData("nmap", "T:22,U:53", true, "nmap", "22", "53")]
    [InlineData("local", "22,53", true, "local", "22,53", "22,53")]
    [InlineData("connect", "22", false, "connect", "22", "")]
    public void Chooses_the_engine_and_ports(string? engine, string spec, bool explicitSpec, string expectedEngine, string tcp, string udp)
    {
        var plan = ScanPlan.Choose(engine, PortSpec.Parse(spec), explicitSpec, time);

        Assert.Equal(expectedEngine, plan.Engine.Name);
        Assert.Equal(Ports(tcp), plan.Tcp.Ports().ToArray());
        Assert.Equal(Ports(udp), plan.Udp.Ports().ToArray());
    }

    [Theory]
    [InlineData("connect", "T:22,U:53", "the connect engine scans TCP only")]
    [InlineData("udp", "T:22,U:53", "the udp engine scans UDP only")]
    [InlineData("warp", "22", "there is no engine 'warp'")]
    [InlineData(null, "U:53", "no TCP ports left")]
    public void Refuses_what_does_not_fit(string? engine, string spec, string message)
    {
        // "U:53" without an explicit spec is the default case: UDP is only scanned when asked for.
        var explicitSpec = spec != "U:53";

        var error = Assert.Throws<ScanEngineException>(() => ScanPlan.Choose(engine, PortSpec.Parse(spec), explicitSpec, time));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    private static int[] Ports(string list) =>
        list.Length == 0 ? [] : [.. list.Split(',').Select(port => int.Parse(port, System.Globalization.CultureInfo.InvariantCulture))];
}
