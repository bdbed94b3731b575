using System.Text.Json;

namespace PortWarden.Cli.Tests;

/// <summary>`portwarden track` as a real process: a poll that decided nothing records nothing but its failure.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class TrackTruthTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_failed_first_poll_records_no_baseline_and_the_next_good_poll_is_the_baseline_not_changes()
    {
        using var db = new TrackDatabase();
        using var listener = Cli.Listen(System.Net.IPAddress.Loopback);
        var ports = $"{listener.Port()},{Cli.FreePort()}";
        var failing = Path.Combine(Path.GetDirectoryName(db.Path)!, "nmap-that-exits-1");
        await File.WriteAllTextAsync(failing, "#!/bin/sh\necho 'nmap: something went wrong' >&2\nexit 1\n", Cancel);
        File.SetUnixFileMode(failing, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.UserWrite);
        Task<CliRun> Track(string nmap) =>
            CliChild.RunAsync(new Dictionary<string, string?>(), "track", "127.0.0.1", "--name", "lab", "-p", ports, "--engine", "nmap", "--nmap-path", nmap, "--db", db.Path);

        var failed = await Track(failing);

        Assert.True(failed.ExitCode == 2, failed.ToString());
        Assert.Contains("Poll of 'lab' failed: nothing was scanned; no baseline was recorded.", failed.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Baseline recorded", failed.Output, StringComparison.Ordinal);
        Assert.Equal(0L, db.Scalar("SELECT baseline_established FROM devices WHERE name = 'lab'"));
        Assert.IsType<DBNull>(db.Scalar("SELECT last_poll_at FROM devices WHERE name = 'lab'"));
        var completed = await PollCompletedAsync(db);
        Assert.Equal("failed", completed.GetProperty("outcome").GetString());
        Assert.Equal(0, completed.GetProperty("hostsScanned").GetInt32());
        Assert.Contains("exit", completed.GetProperty("error").GetString(), StringComparison.OrdinalIgnoreCase);
        foreach (var field in new[] { "engine", "startedAt", "finishedAt", "durationMs", "applied" })
        {
            Assert.True(completed.TryGetProperty(field, out _), field);
        }

        var good = await Track("/usr/bin/nmap");

        Assert.True(good.ExitCode == 0, good.ToString());
        Assert.Contains("Baseline recorded for 'lab': 1 host(s) up, 1 open port(s)", good.Output, StringComparison.Ordinal);
        Assert.Equal(["poll-completed", "poll-completed"], await db.EventsAsync("--device", "lab"));

        var before = BaselineRows(db);
        var failedAgain = await Track(failing);

        Assert.Equal(2, failedAgain.ExitCode);
        Assert.Contains("Poll of 'lab' failed: nothing was scanned; the baseline is unchanged.", failedAgain.Output, StringComparison.Ordinal);
        Assert.Equal(before, BaselineRows(db));
        Assert.Equal(["poll-completed", "poll-completed", "poll-completed"], await db.EventsAsync("--device", "lab"));
    }

    private static string BaselineRows(TrackDatabase db) =>
        $"{db.Scalar("SELECT group_concat(host || ':' || protocol || '/' || port || '=' || open || '@' || last_changed, ' ') FROM baseline_ports")} " +
        $"{db.Scalar("SELECT group_concat(host || '=' || state || '@' || last_changed, ' ') FROM baseline_hosts")} " +
        $"{db.Scalar("SELECT last_poll_at FROM devices")}";

    private static async Task<JsonElement> PollCompletedAsync(TrackDatabase db)
    {
        var run = await db.RunAsync("events", "--format", "json", "--device", "lab");
        using var json = JsonDocument.Parse(run.Output);
        var completed = json.RootElement.EnumerateArray().Last(e => e.GetProperty("type").GetString() == "poll-completed");
        return JsonDocument.Parse(completed.GetProperty("payload").GetRawText()).RootElement.Clone();
    }
}
