using System.Text.Json;
using PortWarden.Core.Scanning;
using PortWarden.Core.Tracking;

namespace PortWarden.Core.Tests.Tracking;

public sealed class TrackerOptionsTests
{
    [Fact]
    public void Json_round_trip_keeps_every_option_and_leaves_out_unset_ones()
    {
        var options = new TrackerOptions
        {
            TimeoutMs = 500,
            Concurrency = 64,
            Rate = 250.5,
            Retries = 3,
            NoDiscovery = true,
            SourceAddresses = "198.18.5.10-20",
            NmapPath = "/opt/nmap/bin",
            ServiceDetection = true,
            ScanType = TcpScanType.Syn,
            NmapOptions = ["-T4", "--max-rate=500"],
        };

        var json = options.ToJson();
        var back = TrackerOptions.Parse(json);

        Assert.Contains("\"scanType\":\"syn\"", json, StringComparison.Ordinal);
        Assert.Equal(options with { NmapOptions = null }, back with { NmapOptions = null });
        Assert.Equal(options.NmapOptions, back.NmapOptions);
        Assert.Equal("{}", new TrackerOptions().ToJson());
    }

    [Fact]
    public void Unknown_fields_are_refused()
    {
        Assert.ThrowsAny<JsonException>(() => TrackerOptions.Parse("""{"timeoutMs":5,"retires":3}"""));
    }

    [Fact]
    public void Scan_options_carry_sources_and_nmap_settings()
    {
        var scan = new TrackerOptions { SourceAddresses = "4", ServiceDetection = true, ScanType = TcpScanType.Syn, NmapOptions = ["-T4"], NoDiscovery = true }
            .ToScanOptions();

        Assert.Equal(4, scan.SourceAddresses?.Count);
        Assert.True(scan.ServiceDetection);
        Assert.Equal(TcpScanType.Syn, scan.TcpScanType);
        Assert.Equal(["-T4"], scan.NmapExtraArguments);
        Assert.False(scan.HostDiscovery);
        Assert.Null(new TrackerOptions().ToScanOptions().SourceAddresses);
    }

    [Fact]
    public void Or_fills_only_what_is_unset()
    {
        var given = new TrackerOptions { Rate = 10, SourceAddresses = "8" };
        var recorded = new TrackerOptions { Rate = 99, Retries = 2, SourceAddresses = "16", NoDiscovery = true };

        Assert.Equal(new TrackerOptions { Rate = 10, Retries = 2, SourceAddresses = "8", NoDiscovery = true }, given.Or(recorded));
    }

    [Fact]
    public void Problems_name_the_field_and_the_bad_value()
    {
        var problems = new TrackerOptions { Retries = 99, SourceAddresses = "10.0.0.1-x", TimeoutMs = 0 }.Problems().ToList();

        Assert.Contains(problems, problem => problem.Field == "retries");
        Assert.Contains(problems, problem => problem.Field == "timeoutMs");
        Assert.Contains(problems, problem => problem.Field == "sourceAddresses" && problem.Message.Contains("10.0.0.1-x", StringComparison.Ordinal));
        Assert.Empty(new TrackerOptions { SourceAddresses = "256" }.Problems());
    }
}
