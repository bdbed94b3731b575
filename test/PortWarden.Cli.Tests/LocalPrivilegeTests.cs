using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace PortWarden.Cli.Tests;

/// <summary>The real portwarden process run as an unprivileged user: other users' processes cannot be read.</summary>
public sealed class LocalPrivilegeTests
{
    private const string Setpriv = "/usr/bin/setpriv";

    [Fact]
    public async Task An_unprivileged_user_sees_other_users_ports_without_owner_and_is_told_why()
    {
        if (Environment.UserName != "root" || !File.Exists(Setpriv))
        {
            Assert.Skip("needs root and setpriv to run portwarden as user nobody");
        }

        var cancel = TestContext.Current.CancellationToken;
        var program = Path.Combine(AppContext.BaseDirectory, "portwarden.dll");
        using (var probe = Process.Start(Setpriv, ["--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/test", "-r", program]))
        {
            await probe.WaitForExitAsync(cancel);
            if (probe.ExitCode != 0)
            {
                Assert.Skip($"user nobody cannot read {program} (the checkout is in a private directory)");
            }
        }

        using var rootsListener = Cli.Listen(IPAddress.Loopback);
        var start = new ProcessStartInfo(Setpriv)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--reuid=65534", "--regid=65534", "--clear-groups", "dotnet", program,
            "scan", "--engine", "local", "-p", $"T:{rootsListener.Port()}", "--format", "jsonl" })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["HOME"] = Path.GetTempPath();
        start.Environment["DOTNET_CLI_HOME"] = Path.GetTempPath();
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(cancel);
        var error = process.StandardError.ReadToEndAsync(cancel);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {await error}");
        var port = (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Single(line => line.GetProperty("type").GetString() == "port" && line.GetProperty("address").GetString() == "127.0.0.1");
        Assert.Equal(rootsListener.Port(), port.GetProperty("port").GetInt32());
        Assert.False(port.TryGetProperty("process", out _));
        Assert.Contains("warning: the open files of", await error, StringComparison.Ordinal);
        Assert.Contains("could not be read (permission denied)", await error, StringComparison.Ordinal);
    }
}
