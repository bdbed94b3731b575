using System.Diagnostics;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using PortWarden.Core.Users;
using PortWarden.Hub.Auth;
using PortWarden.Storage.Sqlite;

namespace PortWarden.Cli.Tests;

/// <summary>`portwarden users …` against a real SQLite file: passwords from standard input only, hashed, never shown.</summary>
public sealed class UsersCommandTests : IDisposable
{
    private const string Password = "correct horse battery";

    private readonly TrackDatabase db = new();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose() => db.Dispose();

    [Fact]
    public async Task Add_reads_the_password_from_stdin_stores_only_a_slow_hash_and_list_never_shows_it()
    {
        var added = await RunAsync(Password + "\n", "users", "add", "Alice", "--role", "admin", "--password-stdin");
        await RunAsync(Password + "\r\n", "users", "add", "bob", "--password-stdin");
        var table = await RunAsync(null, "users", "list");
        var json = await RunAsync(null, "users", "list", "--format", "json");

        Assert.Equal("Added user 'Alice' (admin).\n", added.Output);
        Assert.Matches(@"Alice\s+admin\s+active", table.Output);
        Assert.Matches(@"bob\s+viewer\s+active", table.Output);
        using var listed = JsonDocument.Parse(json.Output);
        Assert.Equal(["Alice", "bob"], listed.RootElement.EnumerateArray().Select(u => u.GetProperty("name").GetString()));
        Assert.DoesNotContain("hash", json.Output, StringComparison.OrdinalIgnoreCase);
        var (user, hash) = await FindAsync("alice");
        Assert.Equal(UserRole.Admin, user.Role);
        Assert.DoesNotContain(Password, hash, StringComparison.Ordinal);
        Assert.True(new PasswordHashing().Verify(hash, Password).Matches);
        // The line end is not part of the password.
        Assert.True(new PasswordHashing().Verify((await FindAsync("bob")).PasswordHash, Password).Matches);
    }

    [Theory]
    [InlineData("short pass\n", new[] { "users", "add", "carol", "--password-stdin" }, "users add: the password has 10 characters; use at least 12")]
    [InlineData("", new[] { "users", "add", "carol", "--password-stdin" }, "users add: --password-stdin: standard input is empty")]
    [InlineData(Password + "\n", new[] { "users", "add", "carol" }, "users add: no terminal to ask for the password on: pass --password-stdin")]
    [InlineData(Password + "\n", new[] { "users", "add", "carol", "--role", "root", "--password-stdin" }, "users add: --role: 'root' is not a role; use admin or viewer")]
    [InlineData(Password + "\n", new[] { "users", "add", "ca rol", "--password-stdin" }, "users add: user name 'ca rol' has ' ' at position 3: use letters, digits and . _ - @")]
    [InlineData(Password + "\n", new[] { "users", "add", "-x", "--password-stdin" }, "users add: user name '-x' must start with a letter or digit")]
    public async Task Bad_input_exits_2_with_a_clear_message_and_adds_nobody(string stdin, string[] args, string message)
    {
        await RunAsync(Password + "\n", "users", "add", "existing", "--password-stdin");

        var run = await RunAsync(stdin, expectedExit: 2, args);

        Assert.Contains(message, run.Error, StringComparison.Ordinal);
        Assert.Equal(["existing"], await NamesAsync());
    }

    [Fact]
    public async Task A_name_taken_in_any_case_is_refused()
    {
        await RunAsync(Password + "\n", "users", "add", "dave", "--password-stdin");

        var run = await RunAsync(Password + "\n", expectedExit: 2, "users", "add", "DAVE", "--password-stdin");

        Assert.Equal("portwarden users add: a user named 'dave' exists already (see 'portwarden users list')\n", run.Error);
    }

    [Fact]
    public async Task Passwd_disable_enable_and_remove_change_the_user_and_name_unknown_users()
    {
        await RunAsync(Password + "\n", "users", "add", "erin", "--password-stdin");
        var before = await FindAsync("erin");

        Assert.Equal("Changed the password of 'erin'.\n", (await RunAsync("another long password\n", "users", "passwd", "ERIN", "--password-stdin")).Output);
        var changed = await FindAsync("erin");
        Assert.True(new PasswordHashing().Verify(changed.PasswordHash, "another long password").Matches);
        Assert.False(new PasswordHashing().Verify(changed.PasswordHash, Password).Matches);
        Assert.True(changed.User.Revision > before.User.Revision);
        Assert.Contains("use at least 12", (await RunAsync("tiny\n", expectedExit: 2, "users", "passwd", "erin", "--password-stdin")).Error, StringComparison.Ordinal);

        Assert.Equal("Disabled user 'erin'.\n", (await RunAsync(null, "users", "disable", "erin")).Output);
        Assert.Matches(@"erin\s+viewer\s+disabled", (await RunAsync(null, "users", "list")).Output);
        Assert.True((await FindAsync("erin")).User.Disabled);
        Assert.Equal("Enabled user 'erin'.\n", (await RunAsync(null, "users", "enable", "erin")).Output);
        Assert.False((await FindAsync("erin")).User.Disabled);

        foreach (var command in new[] { "remove", "disable", "enable", "passwd" })
        {
            var unknown = await RunAsync(Password + "\n", expectedExit: 2, "users", command, "nobody", "--password-stdin");
            Assert.Contains("unknown user 'nobody' (see 'portwarden users list')", unknown.Error, StringComparison.Ordinal);
        }

        Assert.Equal("Removed user 'erin'.\n", (await RunAsync(null, "users", "remove", "erin")).Output);
        Assert.Equal("No users.\n", (await RunAsync(null, "users", "list")).Output);
    }

    [Fact]
    public async Task List_without_a_database_does_not_create_one()
    {
        var run = await RunAsync(null, expectedExit: 2, "users", "list");

        Assert.Contains("no database at", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(db.Path));
    }

    private Task<CliRun> RunAsync(string? stdin, params string[] args) => RunAsync(stdin, 0, args);

    private async Task<CliRun> RunAsync(string? stdin, int expectedExit, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        // The option is refused by the parser for commands without one, so add it only where it belongs.
        string[] all = args is ["users", "remove" or "disable" or "enable", ..] ? [.. args.Where(a => a != "--password-stdin")] : args;
        var code = await CliApp.RunAsync([.. all, "--db", db.Path], new CliStreams(output, error, false, false, new StringReader(stdin ?? "")), TimeProvider.System, Cancel);
        var run = new CliRun(code, output.ToString(), error.ToString());
        Assert.True(code == expectedExit, run.ToString());
        return run;
    }

    private async Task<(HubUser User, string PasswordHash)> FindAsync(string name)
    {
        await using var store = await SqliteStore.OpenAsync(db.Path, Cancel);
        var found = await store.FindUserAsync(name, Cancel);
        SqliteConnection.ClearAllPools();
        return found ?? throw new InvalidOperationException($"no user {name}");
    }

    private async Task<List<string>> NamesAsync()
    {
        await using var store = await SqliteStore.OpenAsync(db.Path, Cancel);
        return [.. (await store.ListUsersAsync(Cancel)).Select(u => u.Name)];
    }
}

/// <summary>`users add` and `users passwd` on a real terminal (a pseudo-terminal made by util-linux script): a prompt that does not echo, asked twice.</summary>
public sealed class UsersTerminalPromptTests : IDisposable
{
    private readonly TrackDatabase db = new();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose() => db.Dispose();

    [Fact]
    public async Task The_password_is_asked_twice_on_the_terminal_without_echo()
    {
        var (code, screen) = await TypeAsync(["users", "add", "tess", "--role", "admin"], "typed on the tty 1", "typed on the tty 1");

        Assert.True(code == 0, screen);
        Assert.Contains("Password:", screen, StringComparison.Ordinal);
        Assert.Contains("Repeat the password:", screen, StringComparison.Ordinal);
        Assert.Contains("Added user 'tess' (admin).", screen, StringComparison.Ordinal);
        Assert.DoesNotContain("typed on the tty", screen, StringComparison.Ordinal);
        await using var store = await PortWarden.Storage.Sqlite.SqliteStore.OpenAsync(db.Path, Cancel);
        Assert.True(new PasswordHashing().Verify((await store.FindUserAsync("tess", Cancel))!.Value.PasswordHash, "typed on the tty 1").Matches);
        SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task Two_different_passwords_change_nothing()
    {
        var (code, screen) = await TypeAsync(["users", "add", "tess"], "first long password", "second long password");

        Assert.Equal(2, code);
        Assert.Contains("the two passwords differ; nothing changed", screen, StringComparison.Ordinal);
        Assert.False(File.Exists(db.Path));
    }

    /// <summary>Runs portwarden on a pseudo-terminal and types each answer once its prompt is on the screen.</summary>
    private async Task<(int Code, string Screen)> TypeAsync(string[] args, string first, string second)
    {
        var command = string.Join(' ', new[] { "dotnet", Path.Combine(AppContext.BaseDirectory, "portwarden.dll") }.Concat(args).Concat(["--db", db.Path])
            .Select(arg => "'" + arg.Replace("'", "'\\''", StringComparison.Ordinal) + "'"));
        var start = new ProcessStartInfo("script") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { "--quiet", "--return", "--command", command, "/dev/null" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        timeout.CancelAfter(TimeSpan.FromSeconds(120));
        var screen = new System.Text.StringBuilder();
        var reading = Task.Run(async () =>
        {
            var buffer = new char[256];
            int read;
            while ((read = await process.StandardOutput.ReadAsync(buffer, timeout.Token)) > 0)
            {
                lock (screen)
                {
                    screen.Append(buffer, 0, read);
                }
            }
        }, timeout.Token);

        async Task AnswerAsync(string prompt, string answer)
        {
            while (!Screen().Contains(prompt, StringComparison.Ordinal))
            {
                Assert.False(process.HasExited, Screen());
                await Task.Delay(50, timeout.Token);
            }

            await process.StandardInput.WriteAsync(answer + "\r");
            await process.StandardInput.FlushAsync(timeout.Token);
        }

        string Screen()
        {
            lock (screen)
            {
                return screen.ToString();
            }
        }

        try
        {
            await AnswerAsync("Password:", first);
            await AnswerAsync("Repeat the password:", second);
            await process.WaitForExitAsync(timeout.Token);
            await reading;
        }
        catch (OperationCanceledException) when (!Cancel.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"portwarden on a terminal did not finish: {Screen()}");
        }

        return (process.ExitCode, Screen());
    }
}
