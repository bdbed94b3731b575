using System.Globalization;
using System.Net;
using System.Text.Json;
using PortWarden.NetLab;

namespace PortWarden.Cli.Tests;

/// <summary>`portwarden diff` on pairs of real scans: nmap XML and PortWarden JSON, every kind of change, and bad files.</summary>
[Collection(NetworkLabTests.Name)]
public sealed class DiffCommandTests : IDisposable
{
    private readonly ScanFilesFixture files = new();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose() => files.Dispose();

    [Fact]
    public async Task Every_kind_of_host_and_port_change_between_two_nmap_scans_is_reported()
    {
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(new LabHostOptions { LiveHosts = [10, 11, 12, 13, 14] }, Cancel);
        var (a, b, c, d, e) = (host.AddressAt(10), host.AddressAt(11), host.AddressAt(12), host.AddressAt(13), host.AddressAt(14));
        host.Listen(80, a);
        host.Listen(22, d);
        host.Listen(8443, e);
        await host.SetFirewallAsync($"ip daddr {c} drop");
        string[] nmap = ["-sT", "-v", "-n", "--disable-arp-ping", "-p", "22,25,80,443,8443"];
        var old = await files.NmapAsync("old.xml", [.. nmap, $"{a}", $"{b}", $"{c}", $"{d}"]);

        // Port 80 now answers with a reset, as a closed port does.
        host.Listen(443, a);
        await host.SetFirewallAsync($"ip daddr {a} tcp dport 25 drop", $"ip daddr {a} tcp dport 80 reject with tcp reset", $"ip daddr {b} drop");
        var current = await files.NmapAsync("new.xml", [.. nmap, $"{a}", $"{b}", $"{c}", $"{e}"]);

        var text = await Cli.RunAsync("diff", old, current);
        var json = await Cli.RunAsync("diff", old, current, "--format", "json");

        Assert.True(text.ExitCode == 1, text.ToString());
        Assert.Equal(1, json.ExitCode);
        string[] expected =
        [
            $" {a}:", "-25/tcp   closed    smtp", "+25/tcp   filtered  smtp", "-80/tcp   open      http", "+80/tcp   closed    http",
            "-443/tcp  closed    https", "+443/tcp  open      https",
            $" {b}:", "-Host is up.", "+Host is down.",
            $" {c}:", "-Host is down.", "+Host is up.",
            $"-{d}:", "-Host is up.", "-22/tcp  open   ssh",
            $"+{e}:", "+Host is up.", "+8443/tcp  open   https-alt",
        ];
        var lines = text.Output.Split('\n');
        var position = 0;
        foreach (var line in expected)
        {
            position = Array.IndexOf(lines, line, position) + 1;
            Assert.True(position > 0, $"'{line}' missing or out of order in\n{text.Output}");
        }

        Assert.Contains("5 hosts differ: 1 added, 1 removed, 1 went up, 1 went down, 1 changed; ports: 1 opened, 1 closed, 1 changed state.", text.Output, StringComparison.Ordinal);

        using var document = JsonDocument.Parse(json.Output);
        var hosts = document.RootElement.GetProperty("hosts").EnumerateArray()
            .ToDictionary(h => h.GetProperty("address").GetString()!, h => h.GetProperty("change").GetString());
        Assert.Equal(new Dictionary<string, string?>
        {
            [$"{a}"] = "changed",
            [$"{b}"] = "down",
            [$"{c}"] = "up",
            [$"{d}"] = "removed",
            [$"{e}"] = "added",
        }, hosts);
        var ports = document.RootElement.GetProperty("hosts")[0].GetProperty("ports").EnumerateArray()
            .Select(p => (p.GetProperty("port").GetInt32(), p.GetProperty("change").GetString(), p.GetProperty("old").GetProperty("state").GetString(), p.GetProperty("new").GetProperty("state").GetString()));
        Assert.Equal([(25, "state-changed", "closed", "filtered"), (80, "closed", "open", "closed"), (443, "opened", "closed", "open")], ports);
        Assert.False(document.RootElement.GetProperty("equal").GetBoolean());
    }

    [Fact]
    public async Task Nmap_xml_and_a_portwarden_json_scan_of_the_same_network_are_equal()
    {
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(new LabHostOptions { LiveHosts = [10, 11] }, Cancel);
        host.Listen(22, host.AddressAt(10));
        host.Listen(8080, host.AddressAt(11));
        await host.SetFirewallAsync("tcp dport 81 drop");
        var targets = host.Range(10, 12);

        var nmap = await files.NmapAsync("nmap.xml", "-sT", "-v", "-n", "-p", "20-25,80-81,8080", targets);
        var json = await files.PortWardenAsync("scan.json", targets, "-p", "20-25,80-81,8080", "--format", "json");
        var jsonl = await files.PortWardenAsync("scan.jsonl", targets, "-p", "20-25,80-81,8080", "--format", "jsonl");

        foreach (var (old, current) in new[] { (nmap, json), (json, nmap), (nmap, jsonl), (json, jsonl) })
        {
            var run = await Cli.RunAsync("diff", old, current);
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains("No differences: 3 hosts compared.", run.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_port_opened_between_a_portwarden_json_and_an_nmap_xml_scan_is_found()
    {
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(cancellationToken: Cancel);
        host.Listen(22);
        var target = host.Address.ToString();
        var old = await files.PortWardenAsync("old.json", target, "-p", "1-1024", "--format", "json");
        host.Listen(631);

        var current = await files.NmapAsync("new.xml", "-sT", "-n", "-Pn", "-p", "1-1024", target);
        var run = await Cli.RunAsync("diff", old, current);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("-631/tcp  closed", run.Output, StringComparison.Ordinal);
        Assert.Contains("+631/tcp  open    ipp", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("22/tcp", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_new_service_version_is_a_service_change_across_formats()
    {
        int port;
        string old;
        await using (var ssh = BannerServer.Ssh("9.2p1"))
        {
            port = ssh.Port;
            old = await files.NmapAsync("old.xml", "-sT", "-sV", "-n", "-Pn", "-p", port.ToString(CultureInfo.InvariantCulture), "127.0.0.1");
        }

        await using var upgraded = BannerServer.Ssh("9.3p1", port);
        var current = await files.PortWardenAsync("new.json", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "--engine", "nmap", "-sV", "--format", "json");

        var run = await Cli.RunAsync("diff", old, current);

        Assert.Equal(1, run.ExitCode);
        var key = $"{port}/tcp";
        Assert.Contains($"-{key}  open   ssh      OpenSSH 9.2p1 (protocol 2.0)", run.Output, StringComparison.Ordinal);
        Assert.Contains($"+{key}  open   ssh      OpenSSH 9.3p1 (protocol 2.0)", run.Output, StringComparison.Ordinal);
        Assert.Contains("1 changed service", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_scan_compared_with_itself_is_equal_and_exits_0()
    {
        using var open = Cli.Listen(IPAddress.Loopback);
        var scan = await files.NmapAsync("scan.xml", "-sT", "-n", "-Pn", "-p", open.Port().ToString(CultureInfo.InvariantCulture), "127.0.0.1");

        var run = await Cli.RunAsync("diff", scan, scan, "--format", "json");

        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Output);
        Assert.True(json.RootElement.GetProperty("equal").GetBoolean());
        Assert.Equal(0, json.RootElement.GetProperty("hosts").GetArrayLength());
    }

    [Fact]
    public async Task A_cut_off_file_gives_the_differences_it_can_with_a_warning_and_exit_2()
    {
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(new LabHostOptions { LiveHosts = [10, 11] }, Cancel);
        host.Listen(22, host.AddressAt(10));
        var old = await files.NmapAsync("old.xml", "-sT", "-n", "-Pn", "-p", "22", host.Range(10, 11));
        host.Listen(22, host.AddressAt(11));
        var full = await File.ReadAllTextAsync(await files.NmapAsync("full.xml", "-sT", "-n", "-Pn", "-p", "22", host.Range(10, 11)), Cancel);
        var secondHost = full.IndexOf("<host ", full.IndexOf("</host>", StringComparison.Ordinal), StringComparison.Ordinal);
        var cut = files.Write("cut.xml", full[..(secondHost + 40)]);

        var run = await Cli.RunAsync("diff", old, cut);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("cut off", run.Error, StringComparison.Ordinal);
        Assert.Contains("Partial comparison", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain($"-{host.AddressAt(11)}", run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("missing.xml", null, "cannot read '{0}'")]
    [InlineData("empty.xml", "", "'{0}': the file is empty")]
    [InlineData("garbage.bin", "\u0001\u0002 garbage", "'{0}': neither nmap XML (-oX) nor a PortWarden JSON scan")]
    [InlineData("page.html", "<html><body>hi</body></html>", "'{0}' line 1, position 2: the root element is <html>, not <nmaprun>")]
    [InlineData("broken.xml", "<nmaprun>\n<host><status state=\"up\"/><address addr=\"10.0.0.1\" addrtype=\"ipv4\"/><ports><port protocol=\"tcp\" portid=\"1\"><state state=\"maybe\"/></port></ports></host></nmaprun>", "'{0}' line 2")]
    [InlineData("broken.json", "{\"engine\":\"connect\",\n\"hosts\":[{\"address\":\"10.0.0.1\",\"state\":\"up\",\"ports\":[{\"protocol\":\"tcp\",\"port\":1,\"state\":\"maybe\"}]}]}", "unknown port state 'maybe'")]
    [InlineData("empty-object.json", "{}", "'{0}': not a PortWarden JSON scan (scan --format json): it has no \"engine\" and no \"hosts\" array")]
    [InlineData("other.json", "{\"name\":\"inventory\",\n\"items\":[1,2,3]}", "'{0}': not a PortWarden JSON scan (scan --format json): it has no \"engine\" and no \"hosts\" array")]
    [InlineData("syntax.json", "{\"engine\":\"connect\",\n\"hosts\":[{\"address\" \"10.0.0.1\"}]}", "'{0}' line 2, position ")]
    [InlineData("xxe.xml", "<?xml version=\"1.0\"?>\n<!DOCTYPE nmaprun [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<nmaprun>&x;</nmaprun>", "undeclared entity 'x'")]
    public async Task A_bad_file_exits_2_naming_the_file_and_what_is_wrong(string name, string? content, string expected)
    {
        var path = content is null ? files.PathOf(name) : files.Write(name, content);
        using var open = Cli.Listen(IPAddress.Loopback);
        var good = await files.NmapAsync("good.xml", "-sT", "-n", "-Pn", "-p", open.Port().ToString(CultureInfo.InvariantCulture), "127.0.0.1");

        var first = await Cli.RunAsync("diff", path, good);
        var second = await Cli.RunAsync("diff", good, path);

        foreach (var run in new[] { first, second })
        {
            Assert.True(run.ExitCode == 2, run.ToString());
            Assert.Contains(string.Format(CultureInfo.InvariantCulture, expected, path), run.Error, StringComparison.Ordinal);
            Assert.StartsWith("portwarden diff: ", run.Error, StringComparison.Ordinal);
            Assert.Equal("", run.Output);
        }
    }
}
