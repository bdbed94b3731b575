using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using PortWarden.Agent.Wire;
using PortWarden.Alerts.Dispatch;
using PortWarden.TestServers;

namespace PortWarden.Hub.Tests;

/// <summary>Alert rules, the alert outbox, reports and exports through the hub's API, with polls uploaded as an agent would.</summary>
public sealed class AlertHubTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    internal static HubOptions FastAlerts(string dataDirectory, int maxAttempts = 8) => new()
    {
        DataDirectory = dataDirectory,
        LocalAgent = false,
        Alerts = new AlertDeliveryOptions
        {
            Interval = TimeSpan.FromMilliseconds(200),
            FirstRetryDelay = TimeSpan.FromMilliseconds(200),
            MaxRetryDelay = TimeSpan.FromSeconds(1),
            MaxAttempts = maxAttempts,
        },
    };

    [Fact]
    public async Task A_failing_webhook_ends_in_the_dead_letters_and_a_retry_delivers_it_once_it_works()
    {
        await using var receiver = await WebhookReceiver.StartAsync(Cancel);
        receiver.Respond = _ => 500;
        await using var hub = await TestHub.StartAsync(FastAlerts("unused", maxAttempts: 3), Cancel);
        await hub.PostAsync<JsonElement>("api/v1/alert-rules", new { name = "ops", channels = new[] { new { type = "webhook", url = receiver.Url().ToString() } } });
        var (agent, tracker) = await SetUpAsync(hub);

        await UploadAsync(hub, agent, tracker, 22);
        await UploadAsync(hub, agent, tracker, 22, 8080);
        await Waiting.UntilAsync(async () => (await hub.GetAsync("api/v1/alert-deliveries?status=dead")).GetArrayLength() == 1, TimeSpan.FromSeconds(30), "a dead letter");

        var dead = (await hub.GetAsync("api/v1/alert-deliveries?status=dead"))[0];
        Assert.Equal((3, "webhook"), (dead.GetProperty("attempts").GetInt32(), dead.GetProperty("channel").GetString()));
        Assert.Contains("answered 500", dead.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("PortWarden: 1 change on 'lab'", dead.GetProperty("subject").GetString(), StringComparison.Ordinal);
        Assert.Equal(3, receiver.Requests.Count);
        var id = dead.GetProperty("id").GetString();
        var detail = await hub.GetAsync($"api/v1/alert-deliveries/{id}");
        Assert.Equal(8080, detail.GetProperty("message").GetProperty("events")[0].GetProperty("port").GetInt32());

        receiver.Respond = _ => 200;
        var retry = await hub.Admin.PostAsync($"api/v1/alert-deliveries/{id}/retry", null, Cancel);
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        await Waiting.UntilAsync(() => Task.FromResult(receiver.Accepted.Count == 1), TimeSpan.FromSeconds(30), "the retried delivery");
        await Waiting.UntilAsync(async () => (await hub.GetAsync("api/v1/alert-deliveries?status=delivered")).GetArrayLength() == 1, TimeSpan.FromSeconds(10), "delivered");
        Assert.Equal(HttpStatusCode.Conflict, (await hub.Admin.PostAsync($"api/v1/alert-deliveries/{id}/retry", null, Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await hub.Admin.PostAsync($"api/v1/alert-deliveries/{Guid.NewGuid()}/retry", null, Cancel)).StatusCode);
    }

    [Fact]
    public async Task Alert_rules_are_validated_listed_with_secrets_masked_updated_and_tested()
    {
        await using var receiver = await WebhookReceiver.StartAsync(Cancel);
        await using var hub = await TestHub.StartAsync(cancellationToken: Cancel);

        var errors = await ErrorsAsync(hub, "api/v1/alert-rules", """
            {"name": "", "match": {"ports": "70000", "types": ["port-exploded"]}, "quietHours": {"start": "22:00", "end": "7", "timeZone": "Nowhere/Land"},
             "channels": [{"type": "webhook", "url": "not a url"}, {"type": "email", "to": [], "from": "x"}]}
            """);
        Assert.Equal(
            ["channels[0].url", "channels[1].from", "channels[1].smtpHost", "channels[1].to", "match.ports", "match.types", "name", "quietHours.end", "quietHours.timeZone"],
            errors.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.True((await ErrorsAsync(hub, "api/v1/alert-rules", """{"name": "x", "chanels": []}""")).TryGetProperty("$.chanels", out _));

        var created = await hub.PostAsync<JsonElement>("api/v1/alert-rules", new
        {
            name = "ops",
            match = new { classification = "unplanned" },
            channels = new[] { new { type = "webhook", url = receiver.Url().ToString(), secret = "top-secret" } },
        });
        var id = created.GetProperty("id").GetInt64();
        Assert.Equal("********", created.GetProperty("channels")[0].GetProperty("secret").GetString());
        Assert.DoesNotContain("top-secret", (await hub.GetAsync("api/v1/alert-rules")).GetRawText(), StringComparison.Ordinal);
        Assert.True((await ErrorsAsync(hub, "api/v1/alert-rules", """{"name": "OPS", "channels": [{"type": "slack", "url": "https://a.test/"}]}""")).TryGetProperty("name", out _));

        // Sending the listing back (secret masked) keeps the stored secret.
        var listed = (await hub.GetAsync($"api/v1/alert-rules/{id}")).GetRawText().Replace("\"unplanned\"", "\"planned\"", StringComparison.Ordinal);
        var put = await hub.Admin.PutAsync($"api/v1/alert-rules/{id}", new StringContent(listed, Encoding.UTF8, "application/json"), Cancel);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var stored = (await hub.Store.GetAlertRuleAsync(id, Cancel))!;
        Assert.Equal(("top-secret", "planned"), (stored.Channels[0].Secret, stored.Match.Classification));

        var test = await hub.Admin.PostAsync($"api/v1/alert-rules/{id}/test", null, Cancel);
        var results = JsonDocument.Parse(await test.Content.ReadAsStringAsync(Cancel)).RootElement;
        Assert.True(results[0].GetProperty("delivered").GetBoolean());
        using var body = JsonDocument.Parse(Assert.Single(receiver.Accepted).Text);
        Assert.True(body.RootElement.GetProperty("test").GetBoolean());

        Assert.Equal(HttpStatusCode.NoContent, (await hub.Admin.DeleteAsync($"api/v1/alert-rules/{id}", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await hub.Admin.GetAsync($"api/v1/alert-rules/{id}", Cancel)).StatusCode);
    }

    [Fact]
    public async Task Reports_and_exports_come_from_the_api_with_expected_ports_from_the_device()
    {
        await using var hub = await TestHub.StartAsync(cancellationToken: Cancel);
        var (agent, tracker) = await SetUpAsync(hub);
        var device = (await hub.GetAsync("api/v1/devices"))[0].GetProperty("device").GetProperty("id").GetInt64();
        Assert.True((await PutErrorsAsync(hub, $"api/v1/devices/{device}", """{"name": "lab", "kind": "host", "targets": "127.0.0.1", "expectedPorts": "22,99999"}""")).TryGetProperty("expectedPorts", out _));
        var updated = await hub.Admin.PutAsJsonAsync($"api/v1/devices/{device}", new { name = "lab", kind = "host", targets = "127.0.0.1", agentIds = new[] { agent.AgentId }, expectedPorts = "T:22" }, Cancel);
        Assert.Equal("T:22", (await updated.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("expectedPorts").GetString());
        await UploadAsync(hub, agent, tracker, 22);
        await UploadAsync(hub, agent, tracker, 22, 8080);

        var html = await hub.Admin.GetStringAsync($"api/v1/reports?device={device}&format=html&from=-1h", Cancel);
        var pdf = await hub.Admin.GetAsync("api/v1/reports?format=pdf", Cancel);
        var json = await hub.GetAsync("api/v1/reports?format=json");
        var cef = await hub.Admin.GetStringAsync($"api/v1/events/export?format=cef&device={device}&type=port-opened", Cancel);
        var syslog = await hub.Admin.GetStringAsync("api/v1/events/export?format=syslog", Cancel);

        Assert.Contains("tcp/8080", html, StringComparison.Ordinal);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("%PDF", Encoding.ASCII.GetString(await pdf.Content.ReadAsByteArrayAsync(Cancel))[..4], StringComparison.Ordinal);
        var violation = Assert.Single(json.GetProperty("devices")[0].GetProperty("violations").EnumerateArray());
        Assert.Equal(8080, violation.GetProperty("port").GetInt32());
        var line = Assert.Single(cef.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("CEF:0|PortWarden|PortWarden|", line, StringComparison.Ordinal);
        Assert.Contains("dpt=8080", line, StringComparison.Ordinal);
        Assert.Equal(3, syslog.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.All(syslog.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => Assert.Matches(@"^<\d+>1 \S+ \S+ portwarden - \S+ \[portwarden@32473 ", l));
        Assert.True((await GetErrorsAsync(hub, "api/v1/reports?format=doc&device=999")).TryGetProperty("device", out _));
        Assert.True((await GetErrorsAsync(hub, "api/v1/events/export?format=xml")).TryGetProperty("format", out _));
    }

    internal static async Task<(EnrolResponse Agent, long Tracker)> SetUpAsync(TestHub hub)
    {
        var agent = await hub.EnrolAsync("a");
        var device = await hub.DeviceAsync("lab", "127.0.0.1", agent.AgentId);
        return (agent, await hub.TrackerAsync(device, "t", new { ports = "1-10000" }));
    }

    /// <summary>Uploads a poll of 127.0.0.1 (ports 1-200 scanned, <paramref name="open"/> open) as the agent.</summary>
    internal static async Task UploadAsync(TestHub hub, EnrolResponse agent, long tracker, params int[] open)
    {
        var now = DateTimeOffset.UtcNow;
        var ports = open.Select(port => new PortUpload("tcp", port, "syn-ack", null, null, null, null)).ToList();
        var upload = new PollUpload(Guid.CreateVersion7(), tracker, null, now, now, "connect", null, "T:1-10000", "",
            [new HostUpload("127.0.0.1", null, "up", "syn-ack", ports.Count, 10000 - ports.Count, 0, ports, [], null)]);
        using var client = ApiTests.With(hub, agent.Credential);
        var response = await client.PostAsJsonAsync("api/v1/agent/polls", upload, WireJson.Options, Cancel);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Cancel));
    }

    private static async Task<JsonElement> ErrorsAsync(TestHub hub, string path, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        var response = await hub.Admin.PostAsync(path, content, Cancel);
        return await ProblemAsync(response);
    }

    private static async Task<JsonElement> PutErrorsAsync(TestHub hub, string path, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        return await ProblemAsync(await hub.Admin.PutAsync(path, content, Cancel));
    }

    private static async Task<JsonElement> GetErrorsAsync(TestHub hub, string path) => await ProblemAsync(await hub.Admin.GetAsync(path, Cancel));

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("errors").Clone();
    }
}
