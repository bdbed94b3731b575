using System.Net.Sockets;
using PortWarden.Core;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;
using PortWarden.Core.Targets;
using PortWarden.Scanning.Nmap;

namespace PortWarden.Scanning.Tests;

public sealed class NmapArgumentsTests
{
    private static readonly TimeSpan Stats = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task A_request_becomes_an_argument_vector_with_xml_progress_ports_and_targets_after_the_end_of_options()
    {
        var request = await RequestAsync("127.0.0.1 127.0.1.250-127.0.2.3 127.0.3-4.1,5", "T:22,80-90,U:53", exclude: "127.0.3.5");

        var run = Assert.Single(NmapArguments.Build(request, Stats));

        Assert.Equal(AddressFamily.InterNetwork, run.Family);
        Assert.Equal(
            ["-oX", "-", "--no-stylesheet", "-v", "-n", "--stats-every", "1000ms", "-sT", "-sU", "-p", "T:22,80-90,U:53",
                "--exclude", "127.0.3.5", "--",
                "127.0.0.1", "127.0.1.250/31", "127.0.1.252/30", "127.0.2.0/30", "127.0.3-4.1,5"],
            run.Arguments);
    }

    [Fact]
    public async Task IPv6_targets_get_their_own_run_with_dash_6()
    {
        var request = await RequestAsync("127.0.0.1 ::1 fd70:7077::/126", "22");

        var runs = NmapArguments.Build(request, Stats);

        Assert.Equal([AddressFamily.InterNetwork, AddressFamily.InterNetworkV6], runs.Select(run => run.Family));
        Assert.DoesNotContain("-6", runs[0].Arguments);
        Assert.Contains("-6", runs[1].Arguments);
        Assert.Equal(["::1", "fd70:7077::/126"], runs[1].Arguments.SkipWhile(a => a != "--").Skip(1));
    }

    [Fact]
    public async Task Octet_lists_in_exclusions_become_comma_free_patterns_because_nmap_splits_exclusions_at_commas()
    {
        var request = await RequestAsync("10.0.0.0/16", "22", exclude: "10.0.1,3.5-6");

        var run = Assert.Single(NmapArguments.Build(request, Stats));

        Assert.Equal("10.0.1.5-6,10.0.3.5-6", run.Arguments.SkipWhile(a => a != "--exclude").ElementAt(1));
    }

    [Fact]
    public async Task Scan_type_service_detection_discovery_and_changed_timing_are_passed_on()
    {
        var options = new ScanOptions
        {
            TcpScanType = TcpScanType.Syn,
            ServiceDetection = true,
            HostDiscovery = false,
            MaxTimeout = TimeSpan.FromMilliseconds(300),
            MaxRetries = 2,
            RatePerSecond = 250.5,
            NmapExtraArguments = ["-T4", "--max-hostgroup=8", "--version-intensity 2", "-PS22,443"],
        };

        var run = Assert.Single(NmapArguments.Build(await RequestAsync("127.0.0.1", "T:22", options), Stats));

        var options1 = run.Arguments.TakeWhile(a => a != "--").ToList();
        Assert.Equal(
            ["-sS", "-sV", "-Pn", "-p", "T:22", "--max-rtt-timeout", "300ms", "--max-retries", "2", "--max-rate", "250.5",
                "-T4", "--max-hostgroup", "8", "--version-intensity", "2", "-PS22,443"],
            options1.Skip(7));
    }

    [Fact]
    public async Task Default_timing_is_left_to_nmap()
    {
        var run = Assert.Single(NmapArguments.Build(await RequestAsync("127.0.0.1", "22"), Stats));

        Assert.DoesNotContain(run.Arguments, a => a.StartsWith("--max-", StringComparison.Ordinal) || a.StartsWith("--min-", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--script=http-title", "not an allowed nmap option")]
    [InlineData("--script http-title", "not an allowed nmap option")]
    [InlineData("-oN", "not an allowed nmap option")]
    [InlineData("-oX=/tmp/out.xml", "not an allowed nmap option")]
    [InlineData("-iL=/etc/passwd", "not an allowed nmap option")]
    [InlineData("--datadir=/tmp", "not an allowed nmap option")]
    [InlineData("--resume=/tmp/scan", "not an allowed nmap option")]
    [InlineData("-sC", "not an allowed nmap option")]
    [InlineData("-T4 -oN /tmp/x", "not an allowed nmap option")]
    [InlineData("--max-rate=-oN", "'-oN' is not a valid value for --max-rate")]
    [InlineData("--max-rate=1 -oN x", "is not a valid value for --max-rate")]
    [InlineData("--host-timeout=10x", "is not a valid value for --host-timeout")]
    [InlineData("--max-retries", "--max-retries needs a value")]
    [InlineData("-Pn=yes", "-Pn takes no value")]
    [InlineData("-T9", "not an allowed nmap option")]
    [InlineData("-PS22;rm", "not an allowed nmap option")]
    [InlineData("--max-rate=5\n-oN", "contains a NUL or line-break")]
    [InlineData("-T4\0-oN", "contains a NUL or line-break")]
    [InlineData("10.0.0.1", "is not an option")]
    [InlineData("", "is empty")]
    public async Task Options_outside_the_allow_list_or_that_would_inject_are_refused(string option, string expected)
    {
        var request = await RequestAsync("127.0.0.1", "22", new ScanOptions { NmapExtraArguments = ["-T4", option] });

        var error = Assert.Throws<SpecFormatException>(() => NmapArguments.Build(request, Stats));

        Assert.Equal("nmap option", error.Kind);
        Assert.Equal(option, error.Token);
        Assert.Equal(5, error.Position);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-oN/tmp/x")]
    [InlineData("--script=evil")]
    [InlineData("-iL")]
    public void Targets_that_look_like_options_never_parse(string target)
    {
        Assert.Throws<SpecFormatException>(() => TargetSpec.Parse(target));
        Assert.Contains("starts with '-'", NmapArguments.InjectionProblem(target, mustBeOption: false), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1\n-oN")]
    [InlineData("127.0.0.1\0")]
    [InlineData("127.0.0.1\r")]
    public void Targets_with_NUL_or_line_breaks_are_refused(string target)
    {
        Assert.Contains("NUL or line-break", NmapArguments.InjectionProblem(target, mustBeOption: false), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1 127.0.0.2", false)]
    [InlineData("127.0.0.1 127.0.0.0/30", true)]
    [InlineData("127.0.0.0/24 127.0.1.1-5", false)]
    [InlineData("127.0.0-3.1 127.0.2.200-127.0.3.4", true)]
    [InlineData("10.0.0.0/8 fd00::/8", false)]
    [InlineData("fd00::/64 fd00::1", true)]
    public void Overlapping_entries_are_found_without_enumerating_addresses(string targets, bool overlap)
    {
        var spec = TargetSpec.Parse(targets);

        Assert.Equal(overlap, NmapTargets.MayOverlap(spec.Entries));
    }

    [Fact]
    public async Task A_huge_allowed_target_is_planned_at_once()
    {
        var set = await TargetSet.ParseAsync("fd00::/64", null, allowLarge: true, new SystemHostResolver(), TestContext.Current.CancellationToken);
        var request = new ScanRequest(set, PortSet.Of([22]), PortSet.Empty, new ScanOptions());

        var plan = await Task.Run(() => new NmapEngine().Plan(request), TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal("fd00::/64", Assert.Single(plan.Invocations).Arguments[^1]);
        Assert.False(plan.TargetsOverlap);
    }

    private static async Task<ScanRequest> RequestAsync(string targets, string ports, ScanOptions? options = null, string? exclude = null)
    {
        var set = await TargetSet.ParseAsync(targets, exclude, allowLarge: false, new SystemHostResolver(), TestContext.Current.CancellationToken);
        var spec = PortSpec.Parse(ports);
        return new ScanRequest(set, spec.For(Protocol.Tcp), spec.For(Protocol.Udp), options ?? new ScanOptions());
    }
}
