using System.Text.Json;
using System.Xml.Linq;

namespace PortWarden.Cli.Tests;

/// <summary>
/// `portwarden diff` never says "equal" for what it could not compare: open ports of one scan that the other did
/// not scan are listed as not scanned, and the comparison is partial (exit 2). ndiff's sample pair single.xml
/// (-p 1-100) and os.xml (-p 22,113) of the same host shows it.
/// </summary>
public sealed class DiffNotScannedTests
{
    [Fact]
    public async Task Open_ports_the_new_scan_did_not_scan_are_listed_as_not_scanned_and_exit_2()
    {
        var (old, current) = (NmapSamples.PathOf("single.xml"), NmapSamples.PathOf("os.xml"));
        var expected = UnscannedOpenPorts("single.xml", "os.xml");
        Assert.Equal(["53/tcp", "80/tcp"], expected);

        var text = await Cli.RunAsync("diff", old, current);
        var json = await Cli.RunAsync("diff", old, current, "--format", "json");

        Assert.True(text.ExitCode == 2, text.ToString());
        Assert.Equal(2, json.ExitCode);
        Assert.DoesNotContain("No differences: ", text.Output, StringComparison.Ordinal);
        foreach (var port in expected)
        {
            Assert.Matches($"(?m)^-{port} +open ", text.Output);
            Assert.Matches($"(?m)^\\+{port} +not scanned$", text.Output);
        }

        Assert.Contains("Partial comparison: 2 open ports not scanned by the other scan, not compared.", text.Output, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(json.Output);
        Assert.True(document.RootElement.GetProperty("partial").GetBoolean());
        var ports = document.RootElement.GetProperty("hosts").EnumerateArray().SelectMany(host => host.GetProperty("ports").EnumerateArray())
            .Where(port => port.GetProperty("change").GetString() == "not-scanned")
            .Select(port => (Port: $"{port.GetProperty("port").GetInt32()}/{port.GetProperty("protocol").GetString()}", New: port.GetProperty("new")))
            .ToList();
        Assert.Equal(expected, ports.Select(port => port.Port));
        Assert.All(ports, port => Assert.Equal((JsonValueKind.Null, false), (port.New.GetProperty("state").ValueKind, port.New.GetProperty("listed").GetBoolean())));
        Assert.Equal(2, document.RootElement.GetProperty("summary").GetProperty("portsNotScanned").GetInt32());
    }

    [Fact]
    public async Task Open_ports_the_old_scan_did_not_scan_are_not_claimed_opened()
    {
        var run = await Cli.RunAsync("diff", NmapSamples.PathOf("os.xml"), NmapSamples.PathOf("single.xml"));

        Assert.True(run.ExitCode == 2, run.ToString());
        foreach (var port in UnscannedOpenPorts("single.xml", "os.xml"))
        {
            Assert.Matches($"(?m)^-{port} +not scanned$", run.Output);
            Assert.Matches($"(?m)^\\+{port} +open ", run.Output);
        }

        Assert.DoesNotContain("opened", run.Output, StringComparison.Ordinal);
    }

    /// <summary>Open ports ("53/tcp") of <paramref name="scanned"/> outside the TCP ports <paramref name="other"/>'s scaninfo lists, read independently.</summary>
    private static List<string> UnscannedOpenPorts(string scanned, string other)
    {
        var services = XDocument.Load(NmapSamples.PathOf(other)).Root!.Element("scaninfo")!.Attribute("services")!.Value;
        var covered = services.Split(',').SelectMany(part => part.Split('-') is [var from, var to]
            ? Enumerable.Range(int.Parse(from, System.Globalization.CultureInfo.InvariantCulture), int.Parse(to, System.Globalization.CultureInfo.InvariantCulture) - int.Parse(from, System.Globalization.CultureInfo.InvariantCulture) + 1)
            : [int.Parse(part, System.Globalization.CultureInfo.InvariantCulture)]).ToHashSet();
        return [.. NmapSamples.OpenPortsByHost(scanned).Values.Single()
            .Select(port => port.Split('/'))
            .Where(parts => !covered.Contains(int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture)))
            .Select(parts => $"{parts[1]}/{parts[0]}")];
    }
}
