using PortWarden.NetLab;

namespace PortWarden.Cli.Tests;

/// <summary>`portwarden track` against real namespace hosts: the history it records must be exactly what happened.</summary>
[Collection(NetworkLabTests.Name)]
public sealed class TrackScenarioTests
{
    private const string Ports = "1-1024";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_port_that_opens_and_closes_gives_exactly_one_event_each()
    {
        using var db = new TrackDatabase();
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(cancellationToken: Cancel);
        host.Listen(22);
        var target = host.Address.ToString();

        var first = await db.RunAsync("track", target, "-p", Ports, "--name", "web");
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("Baseline recorded for 'web': 1 host(s) up, 1 open port(s)", first.Output, StringComparison.Ordinal);

        var listener = host.Listen(443);
        var opened = await db.RunAsync("track", target, "-p", Ports, "--name", "web");
        Assert.Contains($"+ {target} tcp/443 open https (unplanned)", opened.Output, StringComparison.Ordinal);

        await listener.DisposeAsync();
        var closed = await db.RunAsync("track", target, "-p", Ports, "--name", "web");
        Assert.Contains($"- {target} tcp/443 closed https (unplanned)", closed.Output, StringComparison.Ordinal);

        Assert.Equal(
            ["poll-completed", "port-opened 443 unplanned", "poll-completed", "port-closed 443 unplanned", "poll-completed"],
            await db.EventsAsync("--device", "web"));
        var baseline = await db.RunAsync("baseline", "web", "--format", "csv");
        Assert.Equal(2, baseline.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains($"{target},,up,tcp,22,open,ssh", baseline.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Changes_inside_a_planned_window_are_planned_and_the_others_unplanned()
    {
        using var db = new TrackDatabase();
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(cancellationToken: Cancel);
        var target = host.Address.ToString();
        await db.RunAsync("track", target, "-p", Ports, "--name", "app");
        var added = await db.RunAsync("planned", "add", "--device", "app", "--ports", "443", "--from", "-1m", "--to", "+1h", "--ref", "CHG-7", "--description", "TLS endpoint");
        Assert.True(added.ExitCode == 0, added.ToString());

        host.Listen(443);
        host.Listen(444);
        var run = await db.RunAsync("track", target, "-p", Ports, "--name", "app", "--exit-code");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"+ {target} tcp/443 open https (planned: CHG-7)", run.Output, StringComparison.Ordinal);
        Assert.Contains($"+ {target} tcp/444 open snpp (unplanned)", run.Output, StringComparison.Ordinal);
        Assert.Equal(["port-opened 443 planned CHG-7"], await db.EventsAsync("--device", "app", "--planned"));
        Assert.Equal(["port-opened 444 unplanned"], await db.EventsAsync("--device", "app", "--unplanned"));

        var quiet = await db.RunAsync("track", target, "-p", Ports, "--name", "app", "--exit-code");
        Assert.Equal(0, quiet.ExitCode);
    }

    [Fact]
    public async Task A_flapping_port_with_confirm_2_gives_no_events_until_it_is_stable()
    {
        using var db = new TrackDatabase();
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(cancellationToken: Cancel);
        var target = host.Address.ToString();
        Task<CliRun> Track() => db.RunAsync("track", target, "-p", Ports, "--name", "flappy", "--confirm", "2");
        await Track();

        for (var flap = 0; flap < 2; flap++)
        {
            var listener = host.Listen(500);
            Assert.DoesNotContain("tcp/500", (await Track()).Output, StringComparison.Ordinal);
            await listener.DisposeAsync();
            Assert.DoesNotContain("tcp/500", (await Track()).Output, StringComparison.Ordinal);
        }

        host.Listen(500);
        Assert.DoesNotContain("tcp/500", (await Track()).Output, StringComparison.Ordinal);
        Assert.Contains($"+ {target} tcp/500 open", (await Track()).Output, StringComparison.Ordinal);
        Assert.Equal(["port-opened 500 unplanned"], await db.EventsAsync("--device", "flappy", "--type", "port-opened,port-closed,service-changed"));
    }

    [Fact]
    public async Task A_host_that_disappears_gives_host_down_not_a_port_closed_per_port()
    {
        using var db = new TrackDatabase();
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(new LabHostOptions { LiveHosts = [10, 11] }, Cancel);
        foreach (var port in new[] { 22, 80, 443 })
        {
            host.Listen(port);
        }

        var network = host.Range(10, 11);
        await db.RunAsync("track", network, "-p", Ports, "--name", "lan");
        await host.SetFirewallAsync($"ip daddr {host.AddressAt(11)} drop");

        var run = await db.RunAsync("track", network, "-p", Ports, "--name", "lan");

        Assert.Contains($"- host {host.AddressAt(11)} down (unplanned)", run.Output, StringComparison.Ordinal);
        Assert.Equal(["host-down unplanned"], await db.EventsAsync("--device", "lan", "--type", "port-closed,host-down,port-opened"));
        Assert.Equal(6L, db.Scalar("SELECT COUNT(*) FROM baseline_ports WHERE open = 1"));
    }

    [Fact]
    public async Task Twenty_polls_of_a_stable_host_behind_5_percent_loss_give_no_change_events()
    {
        using var db = new TrackDatabase();
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(new LabHostOptions { LossPercent = 5 }, Cancel);
        foreach (var port in new[] { 22, 80, 150, 443 })
        {
            host.Listen(port);
        }

        for (var poll = 0; poll < 20; poll++)
        {
            var run = await db.RunAsync("track", host.Address.ToString(), "-p", "1-500", "--name", "lossy");
            Assert.True(run.ExitCode == 0, run.ToString());
        }

        Assert.Empty(await db.EventsAsync("--device", "lossy", "--type", "port-opened,port-closed,host-up,host-down,service-changed"));
        Assert.Equal(20, (await db.EventsAsync("--device", "lossy", "--type", "poll-completed")).Count);
        Assert.Equal(4L, db.Scalar("SELECT COUNT(*) FROM baseline_ports WHERE open = 1"));
    }

    [Fact]
    public async Task Concurrent_track_processes_share_one_database_safely()
    {
        using var db = new TrackDatabase();
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(new LabHostOptions { LiveHosts = [10, 11, 12] }, Cancel);
        host.Listen(22);
        await db.RunAsync("track", host.AddressAt(10).ToString(), "-p", Ports, "--name", "shared");
        host.Listen(808, host.AddressAt(10));

        var processes = new[]
        {
            CliProcess.Start("track", host.AddressAt(10).ToString(), "-p", Ports, "--name", "shared", "--db", db.Path),
            CliProcess.Start("track", host.AddressAt(10).ToString(), "-p", Ports, "--name", "shared", "--db", db.Path),
            CliProcess.Start("track", host.AddressAt(11).ToString(), "-p", Ports, "--name", "other", "--db", db.Path),
            CliProcess.Start("track", host.AddressAt(12).ToString(), "-p", Ports, "--name", "third", "--db", db.Path),
        };
        var results = await Task.WhenAll(processes.Select(p => CliProcess.FinishAsync(p, TimeSpan.FromMinutes(2), Cancel)));
        foreach (var process in processes)
        {
            process.Dispose();
        }

        Assert.All(results, result => Assert.True(result.Code == 0, $"exit {result.Code}: {result.Error}"));
        Assert.Equal(["port-opened 808 unplanned"], await db.EventsAsync("--device", "shared", "--type", "port-opened,port-closed"));
        Assert.Equal(3, (await db.EventsAsync("--device", "shared", "--type", "poll-completed")).Count);
        Assert.Equal("ok", db.Scalar("PRAGMA integrity_check"));
    }

    [Fact]
    public async Task Killing_a_poll_leaves_no_partial_poll_and_the_next_poll_proceeds()
    {
        using var db = new TrackDatabase();
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(new LabHostOptions { LiveHosts = [10], SilentHosts = [11] }, Cancel);
        host.Listen(22);
        var target = host.Range(10, 11);
        await db.RunAsync("track", target, "-p", Ports, "--name", "victim");
        var before = db.Fingerprint();

        // A slow poll (a silent host probed on every port) killed while it runs.
        using (var process = CliProcess.Start("track", target, "-p", "1-3000", "--no-discovery", "--timeout", "3000", "--name", "victim", "--db", db.Path))
        {
            await WaitUntilAsync(() => db.Scalar("SELECT lease_owner FROM devices WHERE name = 'victim'") is string, TimeSpan.FromSeconds(20));
            CliProcess.Signal(process, CliProcess.SigKill);
            await process.WaitForExitAsync(Cancel);
        }

        Assert.Equal("ok", db.Scalar("PRAGMA integrity_check"));
        Assert.Equal(before.Split(' ')[..^1], db.Fingerprint().Split(' ')[..^1]);
        Assert.Equal(0L, db.Scalar("SELECT COUNT(*) FROM polls p WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.poll_id = p.id AND e.type = 'poll-completed')"));

        var next = await db.RunAsync("track", target, "-p", Ports, "--name", "victim", "--wait", "5");
        Assert.True(next.ExitCode == 0, next.ToString());
        Assert.Equal(2, (await db.EventsAsync("--device", "victim", "--type", "poll-completed")).Count);
    }

    [Fact]
    public async Task Bad_input_exits_2_names_the_problem_and_leaves_the_database_untouched()
    {
        using var db = new TrackDatabase();
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(cancellationToken: Cancel);
        host.Listen(22);
        await db.RunAsync("track", host.Address.ToString(), "-p", Ports, "--name", "lab");
        await db.RunAsync("planned", "add", "--device", "lab", "--from", "now", "--to", "+1h");
        var before = db.Fingerprint();

        string[][] bad =
        [
            ["baseline", "nosuch"],
            ["events", "--device", "nosuch"],
            ["events", "--since", "tomorrowish"],
            ["events", "--since", "2h"],
            ["events", "--type", "port-exploded"],
            ["events", "--port", "tcp/70000"],
            ["planned", "add", "--device", "nosuch", "--from", "now", "--to", "+1h"],
            ["planned", "add", "--device", "lab", "--from", "2026-13-01", "--to", "+1h"],
            ["planned", "add", "--device", "lab", "--from", "+2h", "--to", "+1h"],
            ["planned", "add", "--device", "lab", "--from", "now", "--to", "+1h", "--ports", "0"],
            ["planned", "add", "--device", "lab", "--from", "now", "--to", "+1h", "--targets", "10.0.0.999"],
            ["planned", "add", "--from", "now", "--to", "+1h"],
            ["planned", "remove", "999"],
            ["track", "10.0.0.300", "--name", "lab"],
            ["track", host.Address.ToString(), "-p", "0-5", "--name", "lab"],
            ["track", host.Address.ToString(), "--confirm", "0"],
            ["export", "--format", "table"],
        ];
        foreach (var args in bad)
        {
            var run = await db.RunAsync(args);
            Assert.True(run.ExitCode == 2, $"{string.Join(' ', args)}: {run}");
            Assert.StartsWith("portwarden", run.Error, StringComparison.Ordinal);
        }

        Assert.Equal(before, db.Fingerprint());
        Assert.Contains("unknown device 'nosuch'", (await db.RunAsync("baseline", "nosuch")).Error, StringComparison.Ordinal);
        Assert.Contains("--since 'tomorrowish' is not a time", (await db.RunAsync("events", "--since", "tomorrowish")).Error, StringComparison.Ordinal);
        Assert.Contains("no change window 999", (await db.RunAsync("planned", "remove", "999")).Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_target_or_database_path_creates_no_database()
    {
        var path = Path.Combine(Path.GetTempPath(), $"portwarden-{Guid.NewGuid():N}", "new.db");

        var badTarget = await Cli.RunAsync("track", "10.0.0.300", "--db", path);
        var unwritable = await Cli.RunAsync("track", "127.0.0.1", "-p", "1", "--db", "/proc/portwarden/new.db");
        var missing = await Cli.RunAsync("devices", "--db", path);

        Assert.Equal((2, 2, 2), (badTarget.ExitCode, unwritable.ExitCode, missing.ExitCode));
        Assert.False(File.Exists(path) || Directory.Exists(Path.GetDirectoryName(path)));
        Assert.Contains("cannot create the database directory '/proc/portwarden'", unwritable.Error, StringComparison.Ordinal);
        Assert.Contains($"no database at '{path}'", missing.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_streams_every_event_as_csv_json_lines_or_one_json_array()
    {
        using var db = new TrackDatabase();
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(cancellationToken: Cancel);
        var target = host.Address.ToString();
        await db.RunAsync("track", target, "-p", Ports, "--name", "x", "--baseline-events");
        host.Listen(80);
        await db.RunAsync("track", target, "-p", Ports, "--name", "x", "--baseline-events");
        var file = Path.Combine(Path.GetDirectoryName(db.Path)!, "events.csv");

        var csv = await db.RunAsync("export", "--format", "csv", "-o", file);
        var jsonl = await db.RunAsync("export", "--since", "-1h", "--type", "port-opened");
        var array = await db.RunAsync("export", "--format", "json", "--type", "baseline,port-opened");
        var empty = await db.RunAsync("export", "--format", "json", "--type", "host-down");

        Assert.Equal(0, csv.ExitCode);
        var rows = (await File.ReadAllLinesAsync(file, Cancel)).ToList();
        Assert.Equal(["baseline", "poll-completed", "port-opened", "baseline", "poll-completed"], rows.Skip(1).Select(r => r.Split(',')[3]));
        var line = Assert.Single(jsonl.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using var json = System.Text.Json.JsonDocument.Parse(line);
        Assert.Equal((80, "unplanned"), (json.RootElement.GetProperty("port").GetInt32(), json.RootElement.GetProperty("classification").GetString()));
        using var all = System.Text.Json.JsonDocument.Parse(array.Output);
        Assert.Equal(["baseline", "port-opened", "baseline"], all.RootElement.EnumerateArray().Select(e => e.GetProperty("type").GetString()));
        using var none = System.Text.Json.JsonDocument.Parse(empty.Output);
        Assert.Equal(0, none.RootElement.GetArrayLength());
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"condition not met within {limit}");
            await Task.Delay(50, Cancel);
        }
    }

}
