using System.Xml.Linq;

namespace PortWarden.Cli.Tests;

/// <summary>
/// nmap's "unknown" port state (nmap.dtd allows any state nmap.cc's statenum2str writes; nmap 7.91 and old
/// versions write &lt;extraports state="unknown"&gt;) is read, and a port in it is undecided: never opened or closed.
/// </summary>
public sealed class NmapUnknownStateTests : IDisposable
{
    private readonly ScanFilesFixture files = new();

    public void Dispose() => files.Dispose();

    [Fact]
    public async Task A_real_nmap_file_with_unknown_extraports_diffs_and_imports()
    {
        using var db = new TrackDatabase();
        var path = NmapSamples.PathOf("xml_test10.xml");
        var hosts = NmapSamples.OpenPortsByHost("xml_test10.xml");
        Assert.Contains("state=\"unknown\"", File.ReadAllText(path), StringComparison.Ordinal);

        var diff = await Cli.RunAsync("diff", path, path);
        var import = await db.RunAsync("import", path, "--name", "old");

        Assert.True(diff.ExitCode == 0, diff.ToString());
        Assert.Contains($"No differences: {hosts.Count} hosts compared.", diff.Output, StringComparison.Ordinal);
        Assert.True(import.ExitCode == 0, import.ToString());
        Assert.Equal(
            hosts.SelectMany(host => host.Value.Select(port => $"{host.Key} {port}")).Order(StringComparer.Ordinal),
            db.Column("SELECT host || ' ' || protocol || '/' || port FROM baseline_ports WHERE open = 1").Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Ports_in_state_unknown_are_undecided_not_closed()
    {
        using var db = new TrackDatabase();
        var first = files.Write("first.xml", Scan(1_700_000_000, """
            <port protocol="tcp" portid="22"><state state="open" reason="syn-ack"/></port>
            <port protocol="tcp" portid="80"><state state="open" reason="syn-ack"/></port>
            <port protocol="tcp" portid="443"><state state="open" reason="syn-ack"/></port>
            """));
        // 80 listed as unknown; 22 not listed while 2 grouped ports are unknown: nmap does not say which.
        var second = files.Write("second.xml", Scan(1_700_000_100, """
            <extraports state="unknown" count="2"/>
            <port protocol="tcp" portid="80"><state state="unknown" reason="no-response"/></port>
            <port protocol="tcp" portid="443"><state state="closed" reason="conn-refused"/></port>
            """));

        var runs = new[] { await db.RunAsync("import", first, "--name", "h"), await db.RunAsync("import", second, "--name", "h") };
        var diff = await Cli.RunAsync("diff", first, second, "--format", "json");

        Assert.All(runs, run => Assert.True(run.ExitCode == 0, run.ToString()));
        var changes = (await db.EventDocumentsAsync("--type", "port-closed")).Select(e => e.GetProperty("port").GetInt32());
        Assert.Equal([443], changes);
        Assert.Equal(["22", "80"], db.Column("SELECT port FROM baseline_ports WHERE open = 1 ORDER BY port"));
        Assert.True(diff.ExitCode == 2, diff.ToString());
        using var json = System.Text.Json.JsonDocument.Parse(diff.Output);
        var ports = json.RootElement.GetProperty("hosts")[0].GetProperty("ports").EnumerateArray()
            .Select(p => (p.GetProperty("port").GetInt32(), p.GetProperty("change").GetString()));
        Assert.Equal([(22, "not-scanned"), (80, "not-scanned"), (443, "closed")], ports);
    }

    private static string Scan(long start, string ports) => new XDocument(XElement.Parse($"""
        <nmaprun scanner="nmap" args="nmap -sT -p 22,80,443 10.0.0.1" start="{start}" version="7.91">
        <scaninfo type="connect" protocol="tcp" numservices="3" services="22,80,443"/>
        <host><status state="up" reason="syn-ack"/><address addr="10.0.0.1" addrtype="ipv4"/>
        <ports>{ports}</ports></host>
        <runstats><finished time="{start + 5}" exit="success"/></runstats>
        </nmaprun>
        """)).ToString();
}
