using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PortWarden.Agent.Wire;

namespace PortWarden.Hub.Tests;

/// <summary>
/// The hub checks every agent upload against the tracker it assigned and refuses what does not fit with 400 naming the
/// field, recording nothing of it (issue 14, item 6). Each case sends one wrong field in an otherwise good upload.
/// </summary>
public sealed class UploadValidationTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public static TheoryData<string, string> Refusals => new()
    {
        { "host-outside-targets", "hosts[0].address" },
        { "open-port-outside-tracker", "hosts[0].openPorts[0].port" },
        { "own-port-list-wider-than-tracker", "tcpPorts" },
        { "udp-ports-for-a-connect-tracker", "udpPorts" },
        { "other-port-group-outside", "hosts[0].otherPorts[0].ports" },
        { "undecided-outside", "hosts[0].undecided" },
        { "another-engine", "engine" },
        { "started-in-2099", "startedAt" },
        { "finished-in-the-future", "finishedAt" },
        { "started-after-finished", "finishedAt" },
        { "started-years-ago", "startedAt" },
        { "negative-count", "hosts[0].closed" },
        { "more-counted-than-scanned", "hosts[0].open" },
        { "host-twice", "hosts[1].address" },
        { "open-port-twice", "hosts[0].openPorts[1].port" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task An_upload_that_does_not_fit_its_tracker_is_refused_naming_the_field_and_nothing_is_recorded(string tamper, string field)
    {
        await using var hub = await TestHub.StartAsync(cancellationToken: Cancel);
        var agent = await hub.EnrolAsync("a");
        var device = await hub.DeviceAsync("host", "127.0.0.1 127.0.0.2", agent.AgentId);
        var tracker = await hub.TrackerAsync(device, "tcp", new { ports = "1-200", engine = "connect" });
        using var client = ApiTests.With(hub, agent.Credential);

        var response = await client.PostAsJsonAsync("api/v1/agent/polls", Tampered(Good(tracker), tamper), WireJson.Options, Cancel);

        var text = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{tamper}: {(int)response.StatusCode} {text}");
        var errors = JsonDocument.Parse(text).RootElement.GetProperty("errors");
        Assert.Equal([field], errors.EnumerateObject().Select(p => p.Name));
        await AssertNothingRecordedAsync(hub, device);
    }

    [Fact]
    public async Task A_good_upload_within_the_clock_skew_is_recorded()
    {
        await using var hub = await TestHub.StartAsync(cancellationToken: Cancel);
        var agent = await hub.EnrolAsync("a");
        var device = await hub.DeviceAsync("host", "127.0.0.1 127.0.0.2", agent.AgentId);
        var tracker = await hub.TrackerAsync(device, "tcp", new { ports = "1-200", engine = "connect" });
        using var client = ApiTests.With(hub, agent.Credential);
        var ahead = DateTimeOffset.UtcNow.AddMinutes(2);

        var response = await client.PostAsJsonAsync("api/v1/agent/polls", Good(tracker) with { StartedAt = ahead, FinishedAt = ahead }, WireJson.Options, Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var baseline = await hub.GetAsync($"api/v1/devices/{device}/baseline");
        Assert.Equal(["127.0.0.1 22"], baseline.EnumerateArray()
            .SelectMany(h => h.GetProperty("ports").EnumerateArray().Select(p => $"{h.GetProperty("address").GetString()} {p.GetProperty("port").GetInt32()}")));
    }

    [Fact]
    public async Task The_allowed_clock_skew_is_the_hubs_setting()
    {
        await using var hub = await TestHub.StartAsync(new HubOptions { DataDirectory = "unused", LocalAgent = false, UploadClockSkew = TimeSpan.FromHours(2) }, Cancel);
        var agent = await hub.EnrolAsync("a");
        var device = await hub.DeviceAsync("host", "127.0.0.1", agent.AgentId);
        var tracker = await hub.TrackerAsync(device, "tcp", new { ports = "1-200", engine = "connect" });
        using var client = ApiTests.With(hub, agent.Credential);
        var hourAhead = DateTimeOffset.UtcNow.AddHours(1);
        var threeHoursAhead = DateTimeOffset.UtcNow.AddHours(3);

        var accepted = await client.PostAsJsonAsync("api/v1/agent/polls", Good(tracker) with { StartedAt = hourAhead, FinishedAt = hourAhead }, WireJson.Options, Cancel);
        var refused = await client.PostAsJsonAsync("api/v1/agent/polls", Good(tracker) with { StartedAt = threeHoursAhead, FinishedAt = threeHoursAhead }, WireJson.Options, Cancel);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.BadRequest), (accepted.StatusCode, refused.StatusCode));
        Assert.Single((await hub.GetAsync($"api/v1/devices/{device}/polls")).EnumerateArray());
    }

    [Fact]
    public async Task A_shard_upload_may_report_only_hosts_of_its_own_block()
    {
        await using var hub = await TestHub.StartAsync(cancellationToken: Cancel);
        var agent = await hub.EnrolAsync("a");
        var device = (await hub.PostAsync<JsonElement>("api/v1/devices", new { name = "lan", kind = "network", targets = "127.0.0.0/29", agentIds = new[] { agent.AgentId } }))
            .GetProperty("id").GetInt64();
        var tracker = await hub.TrackerAsync(device, "tcp", new { mode = "network", ports = "1-200", engine = "connect", shardSize = 4 });
        using var client = ApiTests.With(hub, agent.Credential);
        Assert.Equal(HttpStatusCode.Accepted, (await hub.Admin.PostAsync($"api/v1/trackers/{tracker}/run", null, Cancel)).StatusCode);
        ShardAssignment? shard = null;
        await Waiting.UntilAsync(
            async () =>
            {
                var lease = await client.PostAsync("api/v1/agent/shards/lease", null, Cancel);
                shard = lease.StatusCode == HttpStatusCode.OK ? await lease.Content.ReadFromJsonAsync<ShardAssignment>(WireJson.Options, Cancel) : null;
                return shard is not null;
            },
            TimeSpan.FromSeconds(30),
            "a shard to lease");
        var inside = Core.Targets.TargetSpec.Parse(shard!.Targets);
        var other = Enumerable.Range(0, 8).Select(i => $"127.0.0.{i}").First(a => !inside.Contains(IPAddress.Parse(a)));
        var mine = Enumerable.Range(0, 8).Select(i => $"127.0.0.{i}").First(a => inside.Contains(IPAddress.Parse(a)));
        var upload = Good(tracker) with { PollId = shard.PollId, ShardId = shard.ShardId };

        var refused = await client.PostAsJsonAsync("api/v1/agent/polls", upload with { Hosts = [Host(other, 22)] }, WireJson.Options, Cancel);
        var foreignShard = await client.PostAsJsonAsync("api/v1/agent/polls", upload with { ShardId = shard.ShardId + 1000, Hosts = [Host(mine, 22)] }, WireJson.Options, Cancel);
        var accepted = await client.PostAsJsonAsync("api/v1/agent/polls", upload with { Hosts = [Host(mine, 22)] }, WireJson.Options, Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("hosts[0].address", await refused.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, foreignShard.StatusCode);
        Assert.Contains("shardId", await foreignShard.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var baseline = await hub.GetAsync($"api/v1/devices/{device}/baseline");
        Assert.Equal([mine], baseline.EnumerateArray().Where(h => h.GetProperty("ports").GetArrayLength() > 0).Select(h => h.GetProperty("address").GetString()));
    }

    private static async Task AssertNothingRecordedAsync(TestHub hub, long device)
    {
        Assert.Empty((await hub.GetAsync($"api/v1/devices/{device}/polls")).EnumerateArray());
        Assert.Empty((await hub.GetAsync($"api/v1/devices/{device}/baseline")).EnumerateArray());
        Assert.Empty((await hub.GetAsync($"api/v1/events?device={device}")).GetProperty("items").EnumerateArray());
        Assert.Null((await hub.GetAsync($"api/v1/devices/{device}")).GetProperty("lastPollAt").GetString());
    }

    /// <summary>A correct upload for a connect tracker of ports 1-200 on 127.0.0.1 and 127.0.0.2: 22 open on the first.</summary>
    private static PollUpload Good(long tracker)
    {
        var now = DateTimeOffset.UtcNow;
        return new PollUpload(Guid.CreateVersion7(), tracker, null, now.AddSeconds(-2), now, "connect", null, "T:1-200", "", [Host("127.0.0.1", 22)]);
    }

    private static HostUpload Host(string address, int open) =>
        new(address, null, "up", "syn-ack", 1, 199, 0, [new PortUpload("tcp", open, "syn-ack", null, null, null, null)], [], null);

    private static PollUpload Tampered(PollUpload good, string tamper)
    {
        var host = good.Hosts[0];
        var now = DateTimeOffset.UtcNow;
        return tamper switch
        {
            "host-outside-targets" => good with { Hosts = [host with { Address = "127.0.0.9" }] },
            "open-port-outside-tracker" => good with { Hosts = [host with { OpenPorts = [host.OpenPorts[0] with { Port = 8080 }] }] },
            "own-port-list-wider-than-tracker" => good with { TcpPorts = "T:1-9000", Hosts = [host with { OpenPorts = [host.OpenPorts[0] with { Port = 8080 }] }] },
            "udp-ports-for-a-connect-tracker" => good with { UdpPorts = "U:53" },
            "other-port-group-outside" => good with { Hosts = [host with { OtherPorts = [new PortGroupUpload("filtered", "no-response", "T:199-201")] }] },
            "undecided-outside" => good with { Hosts = [host with { Undecided = "U:53" }] },
            "another-engine" => good with { Engine = "nmap" },
            "started-in-2099" => good with { StartedAt = new DateTimeOffset(2099, 1, 1, 0, 0, 0, TimeSpan.Zero), FinishedAt = new DateTimeOffset(2099, 1, 1, 0, 1, 0, TimeSpan.Zero) },
            "finished-in-the-future" => good with { FinishedAt = now.AddHours(1) },
            "started-after-finished" => good with { StartedAt = now.AddSeconds(-1), FinishedAt = now.AddSeconds(-30) },
            "started-years-ago" => good with { StartedAt = now.AddYears(-3), FinishedAt = now.AddYears(-3).AddMinutes(1) },
            "negative-count" => good with { Hosts = [host with { Closed = -5 }] },
            "more-counted-than-scanned" => good with { Hosts = [host with { Open = 1, Closed = 500 }] },
            "host-twice" => good with { Hosts = [host, host] },
            "open-port-twice" => good with { Hosts = [host with { Open = 2, Closed = 198, OpenPorts = [host.OpenPorts[0], host.OpenPorts[0]] }] },
            _ => throw new ArgumentOutOfRangeException(nameof(tamper), tamper, null),
        };
    }
}
