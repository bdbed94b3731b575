using System.Diagnostics;
using System.Security.Cryptography;

namespace PortWarden.Cli.Tests;

/// <summary>
/// Commands that only read work on a database nobody may write (a backup, a read-only mount): each runs as a real
/// process in a private mount namespace where the database's directory is mounted read-only.
/// </summary>
public sealed class ReadOnlyDatabaseTests
{
    [Theory]
    [InlineData("devices", "127.0.0.1")]
    [InlineData("events", "poll-completed")]
    [InlineData("baseline lo", "127.0.0.1")]
    [InlineData("export --format csv", "poll-completed")]
    [InlineData("report --device lo --format csv", "lo")]
    [InlineData("planned list", "No change windows.")]
    [InlineData("alerts list", "No alert rules.")]
    [InlineData("users list", "No users.")]
    public async Task A_reading_command_works_on_a_read_only_database_and_changes_nothing(string command, string expected)
    {
        using var db = new TrackDatabase();
        using var listener = Cli.Listen(System.Net.IPAddress.Loopback);
        Assert.Equal(0, (await db.RunAsync("track", "127.0.0.1", "-p", listener.Port().ToString(System.Globalization.CultureInfo.InvariantCulture), "--name", "lo")).ExitCode);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var before = Fingerprint(db.Path);

        var run = await RunReadOnlyAsync(Path.GetDirectoryName(db.Path)!, [.. command.Split(' '), "--db", db.Path]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains(expected, run.Output, StringComparison.Ordinal);
        Assert.Equal(before, Fingerprint(db.Path));
    }

    [Fact]
    public async Task A_writing_command_on_a_read_only_database_says_so_and_changes_nothing()
    {
        using var db = new TrackDatabase();
        Assert.Equal(0, (await db.RunAsync("track", "127.0.0.1", "-p", "1", "--name", "lo")).ExitCode);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var before = Fingerprint(db.Path);

        var run = await RunReadOnlyAsync(Path.GetDirectoryName(db.Path)!, ["track", "127.0.0.1", "-p", "1", "--name", "lo", "--db", db.Path]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains(db.Path, run.Error, StringComparison.Ordinal);
        Assert.Equal(before, Fingerprint(db.Path));
    }

    private static string Fingerprint(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    private static async Task<CliRun> RunReadOnlyAsync(string directory, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("unshare") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "--mount", "--propagation", "private", "sh", "-c", "mount --bind \"$1\" \"$1\" && mount -o remount,bind,ro \"$1\" && shift && exec dotnet \"$@\"", "sh", directory })
        {
            start.ArgumentList.Add(arg);
        }

        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "portwarden.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(120), TestContext.Current.CancellationToken);
        return new CliRun(process.ExitCode, await output, await error);
    }
}
