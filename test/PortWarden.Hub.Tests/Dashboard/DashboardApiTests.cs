using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PortWarden.Agent.Wire;
using PortWarden.Core.Tracking;

namespace PortWarden.Hub.Tests.Dashboard;

/// <summary>The API the dashboard added: overview, timeline, running polls and progress, export, paging newest first, planned-change edits.</summary>
public sealed class DashboardApiTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_overview_and_timeline_count_open_ports_and_unplanned_changes()
    {
        await using var hub = await TestHub.StartAsync(cancellationToken: Cancel);
        var (agent, device, tracker) = await SetUpAsync(hub);
        await UploadAsync(hub, agent, tracker, 22);
        await UploadAsync(hub, agent, tracker, 22, 80, 443);

        var overview = await hub.GetAsync("api/v1/overview");
        var timeline = await hub.GetAsync($"api/v1/timeline?device={device}&hours=24");
        var week = await hub.GetAsync("api/v1/timeline?hours=168");

        var summary = Assert.Single(overview.GetProperty("devices").EnumerateArray());
        Assert.Equal((3L, 2, 0), (summary.GetProperty("openPorts").GetInt64(), summary.GetProperty("unplannedLast24h").GetInt32(), summary.GetProperty("plannedLast24h").GetInt32()));
        Assert.Equal("online", summary.GetProperty("agents")[0].GetProperty("status").GetString());
        Assert.Equal([443, 80], overview.GetProperty("recentChanges").EnumerateArray().Select(e => e.GetProperty("port").GetInt32()));
        var points = timeline.GetProperty("points").EnumerateArray().ToList();
        Assert.Equal(24, points.Count);
        Assert.Equal(3, points[^1].GetProperty("openPorts").GetInt64());
        Assert.Equal(JsonValueKind.Null, points[0].GetProperty("openPorts").ValueKind);
        Assert.Equal(2, points.Sum(p => p.GetProperty("unplanned").GetInt32()));
        Assert.Equal(240, week.GetProperty("bucketMinutes").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, (await hub.Admin.GetAsync("api/v1/timeline?hours=0", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await hub.Admin.GetAsync("api/v1/timeline?device=999", Cancel)).StatusCode);
    }

    [Fact]
    public async Task Agents_report_progress_of_their_own_polls_until_the_poll_is_recorded()
    {
        await using var hub = await TestHub.StartAsync(cancellationToken: Cancel);
        var (agent, _, tracker) = await SetUpAsync(hub);
        var other = await hub.EnrolAsync("other");
        using var client = ApiTests.With(hub, agent.Credential);
        var poll = Guid.CreateVersion7();
        var started = DateTimeOffset.UtcNow;

        var report = await client.PostAsJsonAsync($"api/v1/agent/polls/{poll}/progress", new PollProgressReport(poll, tracker, null, started, 50, 200, false), WireJson.Options, Cancel);
        var running = (await hub.GetAsync("api/v1/polls/running")).EnumerateArray().Single();
        var intruder = await ApiTests.With(hub, other.Credential).PostAsJsonAsync(
            $"api/v1/agent/polls/{poll}/progress", new PollProgressReport(poll, tracker, null, started, 60, 200, false), WireJson.Options, Cancel);
        var mismatch = await client.PostAsJsonAsync($"api/v1/agent/polls/{Guid.CreateVersion7()}/progress", new PollProgressReport(poll, tracker, null, started, 1, 2, false), WireJson.Options, Cancel);
        var byAdmin = await hub.Admin.PostAsJsonAsync($"api/v1/agent/polls/{poll}/progress", new PollProgressReport(poll, tracker, null, started, 1, 2, false), WireJson.Options, Cancel);

        Assert.Equal(HttpStatusCode.NoContent, report.StatusCode);
        Assert.Equal((tracker, "tcp", 50L, 200L, 25.0), (running.GetProperty("trackerId").GetInt64(), running.GetProperty("tracker").GetString(),
            running.GetProperty("completed").GetInt64(), running.GetProperty("total").GetInt64(), running.GetProperty("percent").GetDouble()));
        Assert.Equal(HttpStatusCode.Forbidden, intruder.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, mismatch.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, byAdmin.StatusCode);

        await UploadAsync(hub, agent, tracker, poll, 22);
        Assert.Empty((await hub.GetAsync("api/v1/polls/running")).EnumerateArray());
        var next = Guid.CreateVersion7();
        await client.PostAsJsonAsync($"api/v1/agent/polls/{next}/progress", new PollProgressReport(next, tracker, null, started, 1, 2, false), WireJson.Options, Cancel);
        await client.PostAsJsonAsync($"api/v1/agent/polls/{next}/progress", new PollProgressReport(next, tracker, null, started, 2, 2, true), WireJson.Options, Cancel);
        Assert.Empty((await hub.GetAsync("api/v1/polls/running")).EnumerateArray());
    }

    [Fact]
    public async Task Exports_stream_every_event_the_filters_select_as_csv_json_lines_or_json()
    {
        await using var hub = await TestHub.StartAsync(cancellationToken: Cancel);
        var (agent, device, tracker) = await SetUpAsync(hub);
        await UploadAsync(hub, agent, tracker, 22);
        await UploadAsync(hub, agent, tracker, 80, 443, 8080);
        var filter = $"device={device}&type=port-opened&classification=unplanned";

        var csv = await TextAsync(hub, $"api/v1/events/export?format=csv&{filter}&limit=2", "text/csv");
        var allCsv = await TextAsync(hub, $"api/v1/events/export?{filter}", "text/csv");
        var lines = await TextAsync(hub, $"api/v1/events/export?format=jsonl&{filter}", "application/x-ndjson");
        var json = await TextAsync(hub, $"api/v1/events/export?format=json&{filter}&order=desc", "application/json");
        var page = await hub.GetAsync($"api/v1/events?{filter}&limit=1000");

        Assert.Equal(EventCsv.Header, csv[0]);
        Assert.Equal(3, csv.Length);
        Assert.Equal(4, allCsv.Length);
        var fromLines = lines.Select(line => JsonDocument.Parse(line).RootElement.GetProperty("id").GetString()).ToList();
        Assert.Equal(page.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("id").GetString()), fromLines);
        var document = JsonDocument.Parse(string.Join('\n', json)).RootElement;
        Assert.Equal(fromLines.AsEnumerable().Reverse(), document.EnumerateArray().Select(e => e.GetProperty("id").GetString()));
        Assert.Equal(JsonSerializer.Serialize(page.GetProperty("items")[0]), JsonSerializer.Serialize(JsonDocument.Parse(lines[0]).RootElement));

        var bad = await hub.Admin.GetAsync("api/v1/events/export?format=xml&port=0", Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = JsonDocument.Parse(await bad.Content.ReadAsStringAsync(Cancel)).RootElement.GetProperty("errors");
        Assert.Equal(["format", "port"], errors.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Events_page_newest_first_and_are_found_by_the_window_that_planned_them()
    {
        await using var hub = await TestHub.StartAsync(cancellationToken: Cancel);
        var (agent, device, tracker) = await SetUpAsync(hub);
        await UploadAsync(hub, agent, tracker, 22);
        var window = (await hub.PostAsync<JsonElement>("api/v1/planned-changes", new
        {
            deviceId = device,
            ports = "80",
            from = DateTimeOffset.UtcNow.AddHours(-1),
            to = DateTimeOffset.UtcNow.AddHours(1),
            reference = "CHG-1",
        })).GetProperty("id").GetInt64();
        await UploadAsync(hub, agent, tracker, 22, 80, 443);

        var first = await hub.GetAsync($"api/v1/events?device={device}&order=desc&limit=2");
        var second = await hub.GetAsync($"api/v1/events?device={device}&order=desc&limit=2&before={first.GetProperty("nextCursor").GetInt64()}");
        var covered = await hub.GetAsync($"api/v1/events?window={window}");

        var sequences = first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray()).Select(e => e.GetProperty("seq").GetInt64()).ToList();
        Assert.Equal(sequences.OrderDescending(), sequences);
        Assert.Equal(4, sequences.Distinct().Count());
        var planned = Assert.Single(covered.GetProperty("items").EnumerateArray());
        Assert.Equal((80, "planned", "CHG-1"), (planned.GetProperty("port").GetInt32(), planned.GetProperty("classification").GetString(), planned.GetProperty("reference").GetString()));
        Assert.Equal(HttpStatusCode.BadRequest, (await hub.Admin.GetAsync("api/v1/events?order=sideways", Cancel)).StatusCode);
    }

    [Fact]
    public async Task Planned_changes_are_edited_with_the_same_rules_as_when_created()
    {
        await using var hub = await TestHub.StartAsync(cancellationToken: Cancel);
        var (_, device, _) = await SetUpAsync(hub);
        var from = DateTimeOffset.UtcNow;
        var id = (await hub.PostAsync<JsonElement>("api/v1/planned-changes", new { deviceId = device, ports = "80", from, to = from.AddHours(1), reference = "CHG-1" }))
            .GetProperty("id").GetInt64();

        var edited = await hub.Admin.PutAsJsonAsync($"api/v1/planned-changes/{id}", new { ports = "443", targets = "", from, to = from.AddHours(3), reference = "CHG-2", description = "moved" }, Cancel);
        var invalid = await hub.Admin.PutAsJsonAsync($"api/v1/planned-changes/{id}", new { deviceId = 999, from, to = from.AddHours(-1), ports = "99999" }, Cancel);
        var missing = await hub.Admin.PutAsJsonAsync("api/v1/planned-changes/999", new { from, to = from.AddHours(1) }, Cancel);

        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        var listed = Assert.Single((await hub.GetAsync("api/v1/planned-changes")).EnumerateArray());
        Assert.Equal((JsonValueKind.Null, "443", JsonValueKind.Null, "CHG-2"), (listed.GetProperty("deviceId").ValueKind, listed.GetProperty("ports").GetString(),
            listed.GetProperty("targets").ValueKind, listed.GetProperty("reference").GetString()));
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal(["deviceId"], JsonDocument.Parse(await invalid.Content.ReadAsStringAsync(Cancel)).RootElement.GetProperty("errors").EnumerateObject().Select(p => p.Name));
        var rules = await hub.Admin.PutAsJsonAsync($"api/v1/planned-changes/{id}", new { from, to = from.AddHours(-1), ports = "99999" }, Cancel);
        Assert.Equal(["ports", "to"], JsonDocument.Parse(await rules.Content.ReadAsStringAsync(Cancel)).RootElement.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    internal static async Task<(EnrolResponse Agent, long Device, long Tracker)> SetUpAsync(TestHub hub)
    {
        var agent = await hub.EnrolAsync("a");
        var device = await hub.DeviceAsync("host", "127.0.0.1", agent.AgentId);
        return (agent, device, await hub.TrackerAsync(device, "tcp", new { ports = "1-10000" }));
    }

    internal static Task UploadAsync(TestHub hub, EnrolResponse agent, long tracker, params int[] open) => UploadAsync(hub, agent, tracker, Guid.CreateVersion7(), open);

    /// <summary>Reports a poll of 127.0.0.1 (ports 1-10000) with these ports open, as an agent would.</summary>
    private static async Task UploadAsync(TestHub hub, EnrolResponse agent, long tracker, Guid poll, params int[] open)
    {
        var now = DateTimeOffset.UtcNow;
        var ports = open.Select(port => new PortUpload("tcp", port, "syn-ack", null, null, null, null)).ToList();
        var upload = new PollUpload(poll, tracker, null, now, now, "connect", null, "T:1-10000", "",
            [new HostUpload("127.0.0.1", null, "up", "syn-ack", ports.Count, 10000 - ports.Count, 0, ports, [], null)]);
        using var client = ApiTests.With(hub, agent.Credential);
        var response = await client.PostAsJsonAsync("api/v1/agent/polls", upload, WireJson.Options, Cancel);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Cancel));
    }

    private static async Task<string[]> TextAsync(TestHub hub, string path, string mediaType)
    {
        var response = await hub.Admin.GetAsync(path, Cancel);
        var text = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(response.IsSuccessStatusCode, text);
        Assert.Equal(mediaType, response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
