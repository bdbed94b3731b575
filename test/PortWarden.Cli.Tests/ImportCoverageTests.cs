using System.Xml.Linq;
using PortWarden.NetLab;

namespace PortWarden.Cli.Tests;

/// <summary>
/// `portwarden import` records the hosts a scan covered but does not list (nmap leaves out hosts that did not
/// answer) as down, takes its coverage from the file's own targets, and treats a cut-off file as a partial poll.
/// </summary>
[Collection(NetworkLabTests.Name)]
public sealed class ImportCoverageTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Hosts_missing_from_a_later_scan_of_the_same_host_list_are_recorded_down()
    {
        using var db = new TrackDatabase();
        var before = NmapSamples.OpenPortsByHost("random-1.xml");
        var after = NmapSamples.OpenPortsByHost("random-2.xml");
        var vanished = before.Keys.Except(after.Keys).Order(StringComparer.Ordinal).ToList();
        // The oracle agrees with ndiff on the pair: 8 hosts of the first scan are gone, with 13 open ports between them.
        Assert.Equal((8, 13), (vanished.Count, vanished.Sum(host => before[host].Count)));

        var first = await db.RunAsync("import", NmapSamples.PathOf("random-1.xml"), "--name", "random");
        var second = await db.RunAsync("import", NmapSamples.PathOf("random-2.xml"), "--name", "random");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(second.ExitCode == 0, second.ToString());
        var downs = (await db.EventDocumentsAsync("--type", "host-down")).Select(e => e.GetProperty("host").GetString()!).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(vanished, downs);
        Assert.Contains("8 host(s) of the hosts 'random' tracks (the file does not name its targets) are not in the file: recorded down", second.Error, StringComparison.Ordinal);
        Assert.Equal(vanished, db.Column("SELECT host FROM baseline_hosts WHERE state = 'down' ORDER BY host"));
        var poll = (await db.EventDocumentsAsync("--type", "poll-completed")).Last().GetProperty("payload");
        Assert.Equal((after.Count + vanished.Count, vanished.Count), (poll.GetProperty("hostsScanned").GetInt32(), poll.GetProperty("hostsDown").GetInt32()));
    }

    [Fact]
    public async Task A_scan_covers_the_targets_of_its_own_command_line_and_no_more()
    {
        using var db = new TrackDatabase();
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(new LabHostOptions { LiveHosts = [10, 11, 12] }, Cancel);
        var (a, c) = (host.AddressAt(10), host.AddressAt(12));
        host.Listen(22, c);
        var directory = Path.GetDirectoryName(db.Path)!;
        var all = await NmapAsync(directory, "all.xml", host.Range(10, 12));
        await host.SetFirewallAsync($"ip daddr {c} drop");
        var part = await NmapAsync(directory, "part.xml", host.Range(10, 11));
        var later = await NmapAsync(directory, "later.xml", host.Range(10, 12));
        Assert.DoesNotContain($"\"{c}\"", await File.ReadAllTextAsync(later, Cancel), StringComparison.Ordinal);

        var runs = new List<CliRun>();
        foreach (var file in new[] { all, part })
        {
            runs.Add(await db.RunAsync("import", file, "--name", "lan"));
        }

        // A scan of part of the network says nothing about the rest of it.
        Assert.Empty(await db.EventDocumentsAsync("--type", "host-down"));
        runs.Add(await db.RunAsync("import", later, "--name", "lan"));

        Assert.All(runs, run => Assert.True(run.ExitCode == 0, run.ToString()));
        var down = Assert.Single(await db.EventDocumentsAsync("--type", "host-down"));
        Assert.Equal($"{c}", down.GetProperty("host").GetString());
        Assert.Equal(NmapStarted(later), down.GetProperty("occurredAt").GetDateTimeOffset());
        Assert.Contains($"1 host(s) of the file's targets ({host.Range(10, 12)}) are not in the file: recorded down", runs[2].Error, StringComparison.Ordinal);
        Assert.Equal(["down", "up"], db.Column($"SELECT state FROM baseline_hosts WHERE host IN ('{a}', '{c}') ORDER BY host = '{a}'"));
    }

    [Fact]
    public async Task A_cut_off_file_is_a_partial_poll_that_exits_2_and_closes_nothing_it_did_not_see()
    {
        using var db = new TrackDatabase();
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(new LabHostOptions { LiveHosts = [10, 11] }, Cancel);
        host.Listen(22, host.AddressAt(10));
        host.Listen(22, host.AddressAt(11));
        var directory = Path.GetDirectoryName(db.Path)!;
        var first = await NmapAsync(directory, "first.xml", host.Range(10, 11));
        var full = await File.ReadAllTextAsync(await NmapAsync(directory, "full.xml", host.Range(10, 11)), Cancel);
        var cut = Path.Combine(directory, "cut.xml");
        await File.WriteAllTextAsync(cut, full[..full.LastIndexOf("<host ", StringComparison.Ordinal)] + "<host starttime=\"1\"", Cancel);

        var baseline = await db.RunAsync("import", first, "--name", "lan");
        var run = await db.RunAsync("import", cut, "--name", "lan");

        Assert.True(baseline.ExitCode == 0, baseline.ToString());
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("partial poll", run.Error, StringComparison.Ordinal);
        Assert.Contains("cut off", run.Error, StringComparison.Ordinal);
        var events = await db.EventDocumentsAsync();
        Assert.Equal(["poll-completed", "poll-completed"], events.Select(e => e.GetProperty("type").GetString()));
        var poll = events[^1].GetProperty("payload");
        Assert.Contains("cut off", poll.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal((1, 0), (poll.GetProperty("hostsScanned").GetInt32(), poll.GetProperty("hostsDown").GetInt32()));
        Assert.Equal(["up", "up"], db.Column("SELECT state FROM baseline_hosts ORDER BY host"));
        Assert.Equal("2", db.Column("SELECT COUNT(*) FROM baseline_ports WHERE open = 1").Single());
    }

    private static async Task<string> NmapAsync(string directory, string name, string targets)
    {
        var path = Path.Combine(directory, name);
        // Host discovery on, as in a usual network scan: a host that does not answer is left out of the XML.
        await Command.RunAsync("nmap", ["-sT", "-n", "--disable-arp-ping", "-p", "22", "-oX", path, targets], null, Cancel);
        await Task.Delay(TimeSpan.FromSeconds(1.1), Cancel); // nmap dates a scan to the second; imports go oldest first
        return path;
    }

    private static DateTimeOffset NmapStarted(string path) =>
        DateTimeOffset.FromUnixTimeSeconds(long.Parse(XDocument.Load(path).Root!.Attribute("start")!.Value, System.Globalization.CultureInfo.InvariantCulture));
}
