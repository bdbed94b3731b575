using System.Globalization;
using System.Net;
using System.Text.Json;
using PortWarden.NetLab;

namespace PortWarden.Cli.Tests;

/// <summary>`portwarden scan --engine nmap`: the real nmap behind the usual command line.</summary>
public sealed class NmapScanCommandTests
{
    [Fact]
    public async Task Json_of_an_nmap_scan_with_service_detection_has_versions_and_what_was_covered()
    {
        await using var ssh = BannerServer.Ssh("9.2p1");
        var closed = Cli.FreePort();

        var run = await Cli.RunAsync("scan", "127.0.0.1", "-p", $"{ssh.Port},{closed}", "--engine", "nmap", "-sV", "--format", "json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Output);
        var root = json.RootElement;
        Assert.Equal("nmap", root.GetProperty("engine").GetString());
        Assert.True(root.GetProperty("serviceDetection").GetBoolean());
        Assert.Equal(string.Join(',', new[] { ssh.Port, closed }.Order()), root.GetProperty("ports").GetProperty("tcp").GetString()!.Replace('-', ','));
        var port = Assert.Single(root.GetProperty("hosts")[0].GetProperty("ports").EnumerateArray());
        Assert.Equal(("ssh", "OpenSSH", "9.2p1"), (port.GetProperty("service").GetString(), port.GetProperty("product").GetString(), port.GetProperty("version").GetString()));
        Assert.Equal(1, root.GetProperty("hosts")[0].GetProperty("counts").GetProperty("closed").GetInt32());
    }

    [Fact]
    public async Task The_table_gets_a_version_column_when_services_were_identified()
    {
        await using var ssh = BannerServer.Ssh("9.2p1");

        var run = await Cli.RunAsync("scan", "127.0.0.1", "-p", ssh.Port.ToString(CultureInfo.InvariantCulture), "--engine", "nmap", "--service-detection");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("VERSION", run.Output, StringComparison.Ordinal);
        Assert.Contains("OpenSSH 9.2p1 (protocol 2.0)", run.Output, StringComparison.Ordinal);
        Assert.Contains("(nmap)", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Udp_ports_are_accepted_by_the_nmap_engine()
    {
        using var open = Cli.Listen(IPAddress.Loopback);

        var run = await Cli.RunAsync("scan", "127.0.0.1", "-p", $"T:{open.Port()},U:{Cli.FreePort()}", "--engine", "nmap", "--format", "jsonl", "--show-closed");

        Assert.True(run.ExitCode == 0, run.ToString());
        var ports = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement)
            .Where(line => line.GetProperty("type").GetString() == "port")
            .Select(line => $"{line.GetProperty("protocol").GetString()}:{line.GetProperty("state").GetString()}")
            .Order(StringComparer.Ordinal);
        Assert.Equal(["tcp:open", "udp:closed"], ports);
    }

    [Theory]
    [InlineData("--nmap-option=-T4")]
    [InlineData("--service-detection")]
    [InlineData("--scan-type=syn")]
    [InlineData("--nmap-path=/usr/bin/nmap")]
    public async Task Nmap_options_are_refused_for_the_connect_engine(string option)
    {
        var run = await Cli.RunAsync("scan", "127.0.0.1", "-p", "1", option);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("applies to --engine nmap only", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--nmap-option=--script=http-title", "invalid nmap option '--script=http-title'")]
    [InlineData("--nmap-option=-oN=/tmp/pw-injected", "invalid nmap option '-oN=/tmp/pw-injected'")]
    [InlineData("--nmap-option=--max-rate=-oN", "'-oN' is not a valid value for --max-rate")]
    [InlineData("--nmap-path=/nonexistent/nmap", "nmap not found at the configured path '/nonexistent/nmap'")]
    public async Task Bad_nmap_settings_fail_before_anything_is_written(string option, string expected)
    {
        var output = Path.Combine(Path.GetTempPath(), $"pw-never-{Guid.NewGuid():N}.json");

        var run = await Cli.RunAsync("scan", "127.0.0.1", "-p", "1", "--engine", "nmap", option, "--format", "json", "-o", output);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(expected, run.Error, StringComparison.Ordinal);
        Assert.Equal("", run.Output);
        Assert.False(File.Exists(output));
        Assert.False(File.Exists("/tmp/pw-injected"));
    }

    [Theory]
    [InlineData("-oN/tmp/pw-injected")]
    [InlineData("--script=evil")]
    [InlineData("-iL")]
    public async Task Targets_that_look_like_nmap_options_are_refused(string target)
    {
        var run = await Cli.RunAsync("scan", "--engine", "nmap", "-p", "1", "--", target);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"invalid target '{target}'", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists("/tmp/pw-injected"));
    }
}
