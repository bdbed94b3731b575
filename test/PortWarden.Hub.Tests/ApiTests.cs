using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using PortWarden.Agent.Wire;

namespace PortWarden.Hub.Tests;

public sealed class ApiTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Missing_wrong_and_misplaced_credentials_are_refused()
    {
        await using var hub = await TestHub.StartAsync(cancellationToken: Cancel);
        var agent = await hub.EnrolAsync("a");
        using var anonymous = new HttpClient { BaseAddress = hub.BaseAddress };

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("api/v1/devices", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await With(hub, "pwk_not-a-key-at-all-000000000000").GetAsync("api/v1/devices", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await With(hub, agent.Credential + "x").GetAsync("api/v1/agent/trackers", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await With(hub, agent.Credential).GetAsync("api/v1/devices", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await hub.Admin.GetAsync("api/v1/agent/trackers", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await With(hub, agent.Credential).GetAsync("api/v1/agent/trackers", Cancel)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await hub.Admin.DeleteAsync($"api/v1/agents/{agent.AgentId}", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await With(hub, agent.Credential).GetAsync("api/v1/agent/trackers", Cancel)).StatusCode);
    }

    [Fact]
    public async Task Enrolment_tokens_work_once_and_expire()
    {
        await using var hub = await TestHub.StartAsync(cancellationToken: Cancel);
        var token = (await hub.PostAsync<JsonElement>("api/v1/enrollment-tokens", new { note = "once" })).GetProperty("token").GetString()!;
        using var anonymous = new HttpClient { BaseAddress = hub.BaseAddress };

        var first = await anonymous.PostAsJsonAsync("api/v1/agents/enrol", new EnrolRequest(token, "a", null), Cancel);
        var second = await anonymous.PostAsJsonAsync("api/v1/agents/enrol", new EnrolRequest(token, "b", null), Cancel);
        var unknown = await anonymous.PostAsJsonAsync("api/v1/agents/enrol", new EnrolRequest("pwe_nope", "c", null), Cancel);
        await hub.Store.AddEnrollmentTokenAsync(Auth.Secrets.Hash("pwe_old"), DateTimeOffset.UtcNow.AddDays(-2), DateTimeOffset.UtcNow.AddDays(-1), null, Cancel);
        var expired = await anonymous.PostAsJsonAsync("api/v1/agents/enrol", new EnrolRequest("pwe_old", "d", null), Cancel);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized], new[] { second.StatusCode, unknown.StatusCode, expired.StatusCode });
        var listed = await hub.GetAsync("api/v1/enrollment-tokens");
        Assert.DoesNotContain(token, listed.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_agent_sees_only_its_own_trackers_and_cannot_report_for_another_agents_device()
    {
        await using var hub = await TestHub.StartAsync(cancellationToken: Cancel);
        var a = await hub.EnrolAsync("a");
        var b = await hub.EnrolAsync("b");
        var deviceA = await hub.DeviceAsync("host-a", "127.0.0.1", a.AgentId);
        var deviceB = await hub.DeviceAsync("host-b", "127.0.0.2", b.AgentId);
        await hub.TrackerAsync(deviceA, "tcp");
        var trackerB = await hub.TrackerAsync(deviceB, "tcp");

        var seenByA = await With(hub, a.Credential).GetFromJsonAsync<List<TrackerAssignment>>("api/v1/agent/trackers", WireJson.Options, Cancel);
        var intrusion = await With(hub, a.Credential).PostAsJsonAsync("api/v1/agent/polls", Upload(trackerB, Guid.CreateVersion7()), WireJson.Options, Cancel);

        Assert.Equal(["host-a"], seenByA!.Select(t => t.Device));
        Assert.Equal(HttpStatusCode.Forbidden, intrusion.StatusCode);
        Assert.Empty((await hub.GetAsync($"api/v1/devices/{deviceB}/polls")).EnumerateArray());
    }

    [Fact]
    public async Task The_same_poll_uploaded_twice_is_recorded_once()
    {
        await using var hub = await TestHub.StartAsync(cancellationToken: Cancel);
        var agent = await hub.EnrolAsync("a");
        var device = await hub.DeviceAsync("host", "127.0.0.1", agent.AgentId);
        var tracker = await hub.TrackerAsync(device, "tcp");
        using var client = With(hub, agent.Credential);
        var first = Upload(tracker, Guid.CreateVersion7(), openPort: 22);
        var second = Upload(tracker, Guid.CreateVersion7(), openPort: 80);

        var receipts = new List<UploadReceipt>();
        foreach (var upload in new[] { first, first, second, second })
        {
            var response = await client.PostAsJsonAsync("api/v1/agent/polls", upload, WireJson.Options, Cancel);
            receipts.Add((await response.Content.ReadFromJsonAsync<UploadReceipt>(WireJson.Options, Cancel))!);
        }

        Assert.Equal(["recorded", "duplicate", "recorded", "duplicate"], receipts.Select(r => r.Status));
        Assert.Equal(2, (await hub.GetAsync($"api/v1/devices/{device}/polls")).GetArrayLength());
        var events = await hub.GetAsync($"api/v1/events?device={device}&type=port-opened,port-closed");
        Assert.Equal(["port-opened 80", "port-closed 22"], events.GetProperty("items").EnumerateArray()
            .Select(e => $"{e.GetProperty("type").GetString()} {e.GetProperty("port").GetInt32()}").Order(StringComparer.Ordinal).Reverse());
    }

    [Fact]
    public async Task Malformed_json_and_invalid_fields_are_400_naming_the_field()
    {
        await using var hub = await TestHub.StartAsync(cancellationToken: Cancel);
        var agent = await hub.EnrolAsync("a");
        var device = await hub.DeviceAsync("host", "127.0.0.1", agent.AgentId);

        async Task<JsonElement> Errors(string path, string json)
        {
            using var content = new StringContent(json, Encoding.UTF8, "application/json");
            var response = await hub.Admin.PostAsync(path, content, Cancel);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel)).RootElement.GetProperty("errors").Clone();
        }

        Assert.True((await Errors("api/v1/devices", "{\"name\": \"x\", ")).EnumerateObject().Any());
        Assert.True((await Errors("api/v1/trackers", $"{{\"deviceId\": {device}, \"name\": \"t\", \"confirmPolls\": \"two\"}}")).TryGetProperty("$.confirmPolls", out _));
        Assert.True((await Errors("api/v1/trackers", $"{{\"deviceId\": {device}, \"name\": \"t\", \"prots\": \"22\"}}")).TryGetProperty("$.prots", out _));
        var tracker = await Errors("api/v1/trackers", $$"""
            {"deviceId": {{device}}, "name": "t", "ports": "22,0", "engine": "warp", "schedule": {"atStartup": false, "cron": "61 * * * *"},
             "options": {"timeoutMs": -1}, "shardSize": 10}
            """);
        Assert.Equal(["engine", "options.timeoutMs", "ports", "schedule", "shardSize"], tracker.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Contains("port 0", tracker.GetProperty("ports")[0].GetString(), StringComparison.Ordinal);
        var deviceErrors = await Errors("api/v1/devices", """{"name": "", "kind": "router", "targets": "10.0.0.300"}""");
        Assert.Equal(["kind", "name", "targets"], deviceErrors.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        var targets = await Errors("api/v1/devices", """{"name": "n", "kind": "network", "targets": "10.0.0.300"}""");
        Assert.Contains("'10.0.0.300'", targets.GetProperty("targets")[0].GetString(), StringComparison.Ordinal);
        var window = await Errors("api/v1/planned-changes", $$"""{"deviceId": {{device}}, "from": "2026-01-02T00:00:00Z", "to": "2026-01-01T00:00:00Z", "ports": "U:"}""");
        Assert.Equal(["ports", "to"], window.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        var events = await hub.Admin.GetAsync("api/v1/events?type=port-exploded&limit=0", Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, events.StatusCode);
        var upload = await With(hub, agent.Credential).PostAsync("api/v1/agent/polls", new StringContent("{\"pollId\": 3}", Encoding.UTF8, "application/json"), Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, upload.StatusCode);
    }

    [Fact]
    public async Task The_openapi_document_health_and_metrics_are_served()
    {
        await using var hub = await TestHub.StartAsync(cancellationToken: Cancel);
        using var anonymous = new HttpClient { BaseAddress = hub.BaseAddress };

        var openApi = await anonymous.GetStringAsync("openapi/v1.json", Cancel);
        var health = await anonymous.GetAsync("healthz", Cancel);
        var agent = await hub.EnrolAsync("a");
        var device = await hub.DeviceAsync("host", "127.0.0.1", agent.AgentId);
        await With(hub, agent.Credential).PostAsJsonAsync("api/v1/agent/polls", Upload(await hub.TrackerAsync(device, "t"), Guid.CreateVersion7()), WireJson.Options, Cancel);
        var metrics = await anonymous.GetStringAsync("metrics", Cancel);

        Assert.Contains("/api/v1/devices", openApi, StringComparison.Ordinal);
        Assert.Contains("/api/v1/agent/polls", openApi, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Contains("portwarden_hub_polls_ingested", metrics, StringComparison.Ordinal);
    }

    internal static HttpClient With(TestHub hub, string credential)
    {
        var client = new HttpClient { BaseAddress = hub.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        return client;
    }

    private static PollUpload Upload(long tracker, Guid poll, int? openPort = null)
    {
        var now = DateTimeOffset.UtcNow;
        List<PortUpload> open = openPort is { } port ? [new PortUpload("tcp", port, "syn-ack", null, null, null, null)] : [];
        return new PollUpload(poll, tracker, null, now, now, "connect", null, "T:1-200", "",
            [new HostUpload("127.0.0.1", null, "up", "syn-ack", open.Count, 200 - open.Count, 0, open, [], null)]);
    }
}
