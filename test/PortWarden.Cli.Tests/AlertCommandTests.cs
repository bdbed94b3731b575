using System.Diagnostics;
using System.Text.Json;
using PortWarden.Alerts.Channels;
using PortWarden.NetLab;
using PortWarden.TestServers;

namespace PortWarden.Cli.Tests;

/// <summary>`alerts`, `report`, `expect` and `export` on the command line, and alerts sent by `track` after a real change.</summary>
[Collection(NetworkLabTests.Name)]
public sealed class AlertCommandTests
{
    private const string Ports = "1-1024";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Track_sends_one_grouped_message_per_rule_after_a_real_change_on_a_namespace_host()
    {
        using var db = new TrackDatabase();
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(cancellationToken: Cancel);
        host.Listen(22);
        var target = host.Address.ToString();
        await using var receiver = await WebhookReceiver.StartAsync(Cancel);
        await using var smtp = await SmtpSink.StartAsync(cancellationToken: Cancel);
        Ok(await db.RunAsync("alerts", "add", "--name", "hook", "--unplanned", "--webhook", receiver.Url().ToString(), "--secret", "cli-secret"));
        Ok(await db.RunAsync("alerts", "add", "--name", "mail", "--type", "port-opened,port-closed", "--email", "ops@example.test", "--smtp", $"127.0.0.1:{smtp.Port}",
            "--smtp-security", "none", "--from", "pw@example.test"));
        Ok(await db.RunAsync("track", target, "-p", Ports, "--name", "web"));
        Assert.Empty(receiver.Requests);

        host.Listen(80);
        host.Listen(443);
        var run = await db.RunAsync("track", target, "-p", Ports, "--name", "web");

        Ok(run);
        Assert.Contains($"+ {target} tcp/443 open https (unplanned)", run.Output, StringComparison.Ordinal);
        var webhook = Assert.Single(receiver.Requests);
        Assert.Equal(await OpenSslHmac.WebhookSignatureAsync("cli-secret", webhook, TestContext.Current.CancellationToken), webhook.Header(WebhookSignature.SignatureHeader));
        using var body = JsonDocument.Parse(webhook.Text);
        Assert.Equal([80, 443], body.RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("port").GetInt32()).Order());
        var mail = Assert.Single(smtp.Messages);
        Assert.Equal("PortWarden: 2 changes on 'web' (2 unplanned, 0 planned): 2 port-opened", mail.Subject);

        // A poll without changes sends nothing more.
        Ok(await db.RunAsync("track", target, "-p", Ports, "--name", "web"));
        Assert.Single(receiver.Requests);
        Assert.Single(smtp.Messages);
        var deliveries = await db.RunAsync("alerts", "deliveries", "--status", "delivered");
        Assert.Equal(2, deliveries.Output.Split('\n').Count(l => l.Contains(" delivered ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_failing_channel_does_not_fail_track_and_its_delivery_waits_for_a_later_run()
    {
        using var db = new TrackDatabase();
        using var listener = Cli.Listen(System.Net.IPAddress.Loopback);
        var port = listener.Port();
        await using var receiver = await WebhookReceiver.StartAsync(Cancel);
        receiver.Respond = _ => 502;
        Ok(await db.RunAsync("alerts", "add", "--name", "hook", "--webhook", receiver.Url().ToString()));
        Ok(await db.RunAsync("track", "127.0.0.1", "-p", $"{port}", "--name", "lo"));
        listener.Close();

        var run = await db.RunAsync("track", "127.0.0.1", "-p", $"{port}", "--name", "lo");

        Ok(run);
        Assert.Contains("1 alert delivery failed (1 to retry at a later run, 0 dead)", run.Error, StringComparison.Ordinal);
        Assert.Single(receiver.Requests);
        var pending = await db.RunAsync("alerts", "deliveries", "--status", "pending");
        Assert.Contains("answered 502", pending.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Alert_rules_are_added_listed_tested_and_removed_and_bad_ones_are_refused_naming_the_option()
    {
        using var db = new TrackDatabase();
        await using var receiver = await WebhookReceiver.StartAsync(Cancel);
        var file = Path.Combine(Path.GetDirectoryName(db.Path)!, "rules.json");
        await File.WriteAllTextAsync(file, $$"""
            {"alertRules": [
              {"name": "from-file", "match": {"ports": "T:22"}, "channels": [{"type": "slack", "url": "{{receiver.Url("slack")}}"}]},
              {"name": "quiet", "quietHours": {"start": "22:00", "end": "06:00", "timeZone": "Europe/Berlin"}, "channels": [{"type": "teams", "url": "{{receiver.Url("teams")}}"}]}
            ]}
            """, Cancel);

        var bad = await db.RunAsync("alerts", "add", "--name", "x", "--webhook", "ftp://nope", "--quiet-hours", "22:00-7", "--time-zone", "Mars/Olympus");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("url (--webhook, --slack, --teams)", bad.Error, StringComparison.Ordinal);
        Assert.Contains("--quiet-hours", bad.Error, StringComparison.Ordinal);
        Assert.Contains("--time-zone: 'Mars/Olympus'", bad.Error, StringComparison.Ordinal);
        var noSmtp = await db.RunAsync("alerts", "add", "--name", "x", "--email", "a@b.test");
        Assert.Contains("--email needs --smtp", noSmtp.Error, StringComparison.Ordinal);

        Ok(await db.RunAsync("alerts", "add", "--file", file));
        Ok(await db.RunAsync("alerts", "add", "--name", "hook", "--webhook", receiver.Url().ToString(), "--secret", "hidden"));
        Assert.Equal(2, (await db.RunAsync("alerts", "add", "--name", "HOOK", "--slack", receiver.Url().ToString())).ExitCode);
        var list = await db.RunAsync("alerts", "list", "--format", "json");
        Assert.Equal(["from-file", "quiet", "hook"], JsonDocument.Parse(list.Output).RootElement.EnumerateArray().Select(r => r.GetProperty("name").GetString()));
        Assert.DoesNotContain("hidden", list.Output, StringComparison.Ordinal);

        var test = await db.RunAsync("alerts", "test", "hook");
        Ok(test);
        Assert.Contains("webhook (webhook): delivered", test.Output, StringComparison.Ordinal);
        Assert.Single(receiver.Accepted);
        receiver.Respond = _ => 500;
        var failing = await db.RunAsync("alerts", "test", "quiet");
        Assert.Equal(2, failing.ExitCode);
        Assert.Contains("FAILED", failing.Output, StringComparison.Ordinal);

        Ok(await db.RunAsync("alerts", "remove", "hook"));
        Assert.Equal(2, (await db.RunAsync("alerts", "remove", "hook")).ExitCode);
    }

    [Fact]
    public async Task Report_expect_and_export_write_what_the_history_holds()
    {
        using var db = new TrackDatabase();
        using var ssh = Cli.Listen(System.Net.IPAddress.Loopback);
        using var extra = Cli.Listen(System.Net.IPAddress.Loopback);
        var (sshPort, extraPort) = (ssh.Port(), extra.Port());
        var spec = $"{sshPort},{extraPort}";
        Ok(await db.RunAsync("track", "127.0.0.1", "-p", spec, "--name", "lo"));
        extra.Close();
        Ok(await db.RunAsync("track", "127.0.0.1", "-p", spec, "--name", "lo"));
        Ok(await db.RunAsync("expect", "lo", $"T:{extraPort}"));
        Assert.Equal(2, (await db.RunAsync("expect", "lo", "T:99999")).ExitCode);
        Assert.Equal(2, (await db.RunAsync("expect", "nope", "T:22")).ExitCode);
        var pdf = Path.Combine(Path.GetDirectoryName(db.Path)!, "report.pdf");

        Ok(await db.RunAsync("report", "--device", "lo", "--from", "-1h", "--format", "pdf", "-o", pdf));
        var json = await db.RunAsync("report", "--all", "--format", "json");
        var cef = await db.RunAsync("export", "--format", "cef", "--type", "port-closed");
        var leef = await db.RunAsync("export", "--format", "leef");
        var noDevice = await db.RunAsync("report", "--format", "html");

        Assert.Contains("Pages:", await RunAsync("pdfinfo", pdf), StringComparison.Ordinal);
        Assert.Contains($"tcp/{sshPort}", await RunAsync("pdftotext", pdf, "-"), StringComparison.Ordinal);
        var device = JsonDocument.Parse(json.Output).RootElement.GetProperty("devices")[0];
        Assert.Equal(sshPort, Assert.Single(device.GetProperty("violations").EnumerateArray()).GetProperty("port").GetInt32());
        Assert.Equal(extraPort, Assert.Single(device.GetProperty("changes").EnumerateArray()).GetProperty("port").GetInt32());
        Assert.Contains($"dpt={extraPort}", Assert.Single(cef.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
        Assert.All(leef.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => Assert.StartsWith("LEEF:2.0|PortWarden|PortWarden|", l, StringComparison.Ordinal));
        Assert.Equal(2, noDevice.ExitCode);
        Assert.Contains("--device NAME (one or more) or --all", noDevice.Error, StringComparison.Ordinal);
    }

    private static void Ok(CliRun run) => Assert.True(run.ExitCode == 0, run.ToString());

    private static async Task<string> RunAsync(string program, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = await process.StandardOutput.ReadToEndAsync(Cancel);
        await process.WaitForExitAsync(Cancel);
        Assert.True(process.ExitCode == 0, $"{program} exited {process.ExitCode}");
        return output;
    }
}
