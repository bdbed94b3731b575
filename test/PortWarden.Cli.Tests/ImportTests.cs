using System.Text.Json;
using PortWarden.NetLab;

namespace PortWarden.Cli.Tests;

/// <summary>`portwarden import` of real nmap XML, and `track --engine nmap`.</summary>
[Collection(NetworkLabTests.Name)]
public sealed class ImportTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Nmap_scans_imported_oldest_first_become_a_dated_history()
    {
        using var db = new TrackDatabase();
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(cancellationToken: Cancel);
        host.Listen(22);
        var directory = Path.GetDirectoryName(db.Path)!;
        var before = await NmapAsync(host, directory, "before.xml");
        await Task.Delay(TimeSpan.FromSeconds(1.2), Cancel);
        host.Listen(443);
        var after = await NmapAsync(host, directory, "after.xml");

        var first = await db.RunAsync("import", before, "--name", "web");
        var second = await db.RunAsync("import", after, "--name", "web", "--format", "json");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("Baseline recorded for 'web': 1 host(s) up, 1 open port(s)", first.Output, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(second.Output);
        var change = Assert.Single(json.RootElement.GetProperty("changes").EnumerateArray());
        Assert.Equal(("port-opened", 443), (change.GetProperty("type").GetString(), change.GetProperty("port").GetInt32()));
        Assert.Equal(NmapStarted(after), change.GetProperty("occurredAt").GetDateTimeOffset());

        var fingerprint = db.Fingerprint();
        var again = await db.RunAsync("import", before, "--name", "web");
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("oldest first", again.Error, StringComparison.Ordinal);
        Assert.Equal(fingerprint, db.Fingerprint());
    }

    [Fact]
    public async Task A_device_is_named_after_the_targets_nmap_was_given()
    {
        using var db = new TrackDatabase();
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(cancellationToken: Cancel);
        host.Listen(80);
        var file = await NmapAsync(host, Path.GetDirectoryName(db.Path)!, "scan.xml");

        var run = await db.RunAsync("import", file);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"Baseline recorded for '{host.Address}'", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cut_off_file_records_its_complete_hosts_says_so_and_exits_2()
    {
        using var db = new TrackDatabase();
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(new LabHostOptions { LiveHosts = [10, 11] }, Cancel);
        host.Listen(22);
        var file = await NmapAsync(host, Path.GetDirectoryName(db.Path)!, "full.xml", host.Range(10, 11));
        var text = await File.ReadAllTextAsync(file, Cancel);
        var cut = text[..text.LastIndexOf("<host ", StringComparison.Ordinal)] + "<host starttime=\"1\"";
        await File.WriteAllTextAsync(file, cut, Cancel);

        var run = await db.RunAsync("import", file, "--name", "lan");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("cut off", run.Error, StringComparison.Ordinal);
        Assert.Contains("1 host(s) up", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_that_is_not_nmap_xml_is_refused_and_creates_nothing()
    {
        using var db = new TrackDatabase();
        var file = Path.Combine(Path.GetDirectoryName(db.Path)!, "notes.xml");
        await File.WriteAllTextAsync(file, "<notes><note>hello</note></notes>", Cancel);

        var run = await db.RunAsync("import", file);
        var missing = await db.RunAsync("import", file + ".nope");

        Assert.Equal((2, 2), (run.ExitCode, missing.ExitCode));
        Assert.Contains("notes.xml", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(db.Path));
    }

    [Fact]
    public async Task Track_runs_with_the_nmap_engine()
    {
        using var db = new TrackDatabase();
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(cancellationToken: Cancel);
        host.Listen(22);
        await db.RunAsync("track", host.Address.ToString(), "-p", "1-100", "--engine", "nmap", "--name", "n");
        host.Listen(80);

        var run = await db.RunAsync("track", host.Address.ToString(), "-p", "1-100", "--engine", "nmap", "--name", "n");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"+ {host.Address} tcp/80 open http (unplanned)", run.Output, StringComparison.Ordinal);
    }

    private static async Task<string> NmapAsync(LabHost host, string directory, string name, string? targets = null)
    {
        var path = Path.Combine(directory, name);
        await Command.RunAsync("nmap", ["-sT", "-n", "-Pn", "-p", "1-1000", "-oX", path, targets ?? host.Address.ToString()], null, Cancel);
        return path;
    }

    private static DateTimeOffset NmapStarted(string path)
    {
        var started = System.Xml.Linq.XDocument.Load(path).Root!.Attribute("start")!.Value;
        return DateTimeOffset.FromUnixTimeSeconds(long.Parse(started, System.Globalization.CultureInfo.InvariantCulture));
    }
}
