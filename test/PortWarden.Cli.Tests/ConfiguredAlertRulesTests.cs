using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace PortWarden.Cli.Tests;

/// <summary>Alert rules and delivery settings in the configuration file of `serve`.</summary>
public sealed class ConfiguredAlertRulesTests : IDisposable
{
    private const string AdminKey = "pwk_configured-alert-rules-test-key-0123456789";

    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("portwarden-config-rules-");

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose() => directory.Delete(recursive: true);

    private string File(string json)
    {
        var path = Path.Combine(directory.FullName, "portwarden.json");
        System.IO.File.WriteAllText(path, json);
        return path;
    }

    private static string Rules(string webhookUrl, string classification) => $$"""
        {
          "Hub": { "Alerts": { "MaxAttempts": 3, "FirstRetrySeconds": 5 } },
          // comments and trailing commas are allowed, as in the rest of the file
          "alertRules": [
            { "name": "ops", "match": { "classification": "{{classification}}" }, "channels": [ { "type": "webhook", "url": "{{webhookUrl}}", "secret": "s3cret" }, ] },
            { "name": "siem", "channels": [ { "type": "syslog", "name": "collector", "syslogHost": "127.0.0.1", "syslogFormat": "cef" } ] }
          ]
        }
        """;

    [Fact]
    public async Task Check_config_lists_the_rules_and_the_delivery_settings()
    {
        var file = File(Rules("https://hooks.example.test/pw", "unplanned"));

        var run = await Cli.RunAsync("serve", "--config", file, "--check-config");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"Hub:Alerts:MaxAttempts = 3  (from {file})", run.Output);
        Assert.Contains("Hub:Alerts:SendTimeoutSeconds = 30  (default)", run.Output);
        Assert.Contains($"AlertRules = ops (webhook), siem (collector)  (from {file})", run.Output);
        Assert.DoesNotContain("s3cret", run.Output);
    }

    [Fact]
    public async Task An_invalid_rule_or_delivery_setting_stops_the_hub_naming_the_field()
    {
        var badUrl = await Cli.RunAsync("serve", "--config", File(Rules("ftp://hooks.example.test", "unplanned")), "--check-config");
        var badClass = await Cli.RunAsync("serve", "--config", File(Rules("https://hooks.example.test", "sometimes")), "--check-config");
        var badAttempts = await Cli.RunAsync("serve", "--config", File("""{ "Hub": { "Alerts": { "MaxAttempts": 0, "Retries": 2 } } }"""), "--check-config");

        Assert.Equal(2, badUrl.ExitCode);
        Assert.Contains("AlertRules (from ", badUrl.Error);
        Assert.Contains("$[0].channels[0].url", badUrl.Error);
        Assert.Equal(2, badClass.ExitCode);
        Assert.Contains("$[0].match.classification", badClass.Error);
        Assert.Equal(2, badAttempts.ExitCode);
        Assert.Contains("Hub:Alerts:Retries", badAttempts.Error);
        Assert.Empty(badUrl.Output + badClass.Output + badAttempts.Output);
    }

    [Fact]
    public async Task Rules_set_through_variables_are_refused()
    {
        var run = await CliChild.RunAsync(new Dictionary<string, string?> { ["PORTWARDEN_AlertRules__0__name"] = "ops" }, "serve", "--check-config");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("AlertRules (from $PORTWARDEN_AlertRules__0__name): alert rules are read from the configuration file only", run.Error);
    }

    [Fact]
    public async Task Serve_creates_and_updates_the_files_rules_by_name_and_leaves_other_rules_alone()
    {
        var db = Path.Combine(directory.FullName, "hub.db");
        var file = File(Rules("https://hooks.example.test/first", "unplanned"));

        var first = await ServeUntilAsync(file, db, async admin =>
        {
            var made = await admin.PostAsJsonAsync("api/v1/alert-rules",
                new { name = "by-api", channels = new[] { new { type = "webhook", url = "https://hooks.example.test/api" } } }, Cancel);
            Assert.True(made.IsSuccessStatusCode, await made.Content.ReadAsStringAsync(Cancel));
        });
        File(Rules("https://hooks.example.test/second", "planned"));
        JsonElement rules = default;
        var second = await ServeUntilAsync(file, db, async admin => rules = await admin.GetFromJsonAsync<JsonElement>("api/v1/alert-rules", Cancel));
        var third = await ServeUntilAsync(file, db, _ => Task.CompletedTask);

        Assert.Contains("2 created, 0 updated, 0 unchanged", first.Error);
        Assert.Contains("0 created, 1 updated, 1 unchanged", second.Error);
        Assert.Contains("0 created, 0 updated, 2 unchanged", third.Error);
        var byName = rules.EnumerateArray().ToDictionary(rule => rule.GetProperty("name").GetString()!);
        Assert.Equal(["by-api", "ops", "siem"], byName.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("planned", byName["ops"].GetProperty("match").GetProperty("classification").GetString());
        Assert.Equal("https://hooks.example.test/second", byName["ops"].GetProperty("channels")[0].GetProperty("url").GetString());
    }

    /// <summary>Runs `serve` in-process until it answers the API, lets <paramref name="use"/> call it, then stops it.</summary>
    private static async Task<CliRun> ServeUntilAsync(string file, string db, Func<HttpClient, Task> use)
    {
        var url = $"http://127.0.0.1:{Cli.FreePort()}/";
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        var output = new StringWriter();
        var error = new StringWriter();
        var serving = CliApp.RunAsync(["serve", "--config", file, "--db", db, "--urls", url.TrimEnd('/'), "--admin-key", AdminKey, "--no-local-agent"],
            new CliStreams(TextWriter.Synchronized(output), TextWriter.Synchronized(error), false, false), TimeProvider.System, stop.Token);
        using var admin = new HttpClient { BaseAddress = new Uri(url) };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await AnswersAsync(admin))
        {
            Assert.False(serving.IsCompleted, $"serve ended early: {error}");
            Assert.True(DateTime.UtcNow < deadline, $"serve did not answer within 30 s: {error}");
            await Task.Delay(100, Cancel);
        }

        try
        {
            await use(admin);
        }
        finally
        {
            await stop.CancelAsync();
        }

        var code = await serving.WaitAsync(TimeSpan.FromSeconds(30), Cancel);
        Assert.True(code == 0, error.ToString());
        return new CliRun(code, output.ToString(), error.ToString());
    }

    private static async Task<bool> AnswersAsync(HttpClient admin)
    {
        try
        {
            return (await admin.GetAsync("healthz", Cancel)).IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
