using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PortWarden.NetLab;

namespace PortWarden.Hub.Tests;

/// <summary>Agents polling real namespace hosts through a real hub.</summary>
[Collection(NetworkLabTests.Name)]
public sealed class AgentFlowTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_enrolled_agent_runs_its_tracker_and_the_change_appears_in_the_api()
    {
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(cancellationToken: Cancel);
        host.Listen(22);
        await using var hub = await TestHub.StartAsync(cancellationToken: Cancel);
        var identity = await hub.EnrolAsync("branch");
        var device = await hub.DeviceAsync("branch-gw", host.Address.ToString(), identity.AgentId);
        var tracker = await hub.TrackerAsync(device, "tcp", new { schedule = new { atStartup = true } });
        await using var agent = new TestAgent(hub.BaseAddress, identity);
        await agent.StartAsync();

        await Waiting.UntilAsync(async () => (await hub.GetAsync($"api/v1/devices/{device}/polls")).GetArrayLength() == 1, TimeSpan.FromSeconds(30), "the first poll");
        host.Listen(80);
        await hub.Admin.PostAsync($"api/v1/trackers/{tracker}/run", null, Cancel);
        await Waiting.UntilAsync(async () => (await hub.GetAsync($"api/v1/devices/{device}/polls")).GetArrayLength() == 2, TimeSpan.FromSeconds(30), "the poll asked for");

        var events = await hub.GetAsync($"api/v1/events?device={device}&type=port-opened");
        var opened = Assert.Single(events.GetProperty("items").EnumerateArray());
        Assert.Equal((80, "unplanned"), (opened.GetProperty("port").GetInt32(), opened.GetProperty("classification").GetString()));
        var baseline = await hub.GetAsync($"api/v1/devices/{device}/baseline");
        Assert.Equal([22, 80], baseline[0].GetProperty("ports").EnumerateArray().Select(p => p.GetProperty("port").GetInt32()));
    }

    [Fact]
    public async Task A_tracker_of_tcp_and_udp_ports_is_polled_by_both_engines_and_refused_for_an_engine_that_cannot_scan_them()
    {
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(cancellationToken: Cancel);
        host.Listen(22);
        await using var responder = host.ListenUdp(5300, _ => "pong"u8.ToArray());
        await using var hub = await TestHub.StartAsync(cancellationToken: Cancel);
        var identity = await hub.EnrolAsync("branch");
        var device = await hub.DeviceAsync("branch-gw", host.Address.ToString(), identity.AgentId);

        var refused = await hub.Admin.PostAsJsonAsync(
            "api/v1/trackers", new { deviceId = device, name = "tcp-only", ports = "T:22,U:5300", engine = "connect" }, Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("the connect engine scans TCP only", await refused.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);

        var tracker = await hub.TrackerAsync(device, "both", new { ports = "T:22,U:5299-5300", schedule = new { atStartup = true } });
        Assert.Equal("connect+udp", (await hub.GetAsync($"api/v1/trackers/{tracker}")).GetProperty("engine").GetString());
        await using var agent = new TestAgent(hub.BaseAddress, identity);
        await agent.StartAsync();
        await Waiting.UntilAsync(async () => (await hub.GetAsync($"api/v1/devices/{device}/polls")).GetArrayLength() == 1, TimeSpan.FromSeconds(60), "the first poll");

        var poll = (await hub.GetAsync($"api/v1/devices/{device}/polls"))[0];
        Assert.Equal(JsonValueKind.Null, poll.GetProperty("error").ValueKind);
        var baseline = await hub.GetAsync($"api/v1/devices/{device}/baseline");
        Assert.Equal(
            [("tcp", 22), ("udp", 5300)],
            baseline[0].GetProperty("ports").EnumerateArray().Select(p => (p.GetProperty("protocol").GetString(), p.GetProperty("port").GetInt32())));
    }

    [Fact]
    public async Task Polls_made_while_the_hub_is_down_are_delivered_once_each_and_in_order_when_it_returns()
    {
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(cancellationToken: Cancel);
        host.Listen(22);
        await using var hub = await TestHub.StartAsync(cancellationToken: Cancel);
        var identity = await hub.EnrolAsync("branch");
        var device = await hub.DeviceAsync("branch-gw", host.Address.ToString(), identity.AgentId);
        await hub.TrackerAsync(device, "tcp", new { schedule = new { atStartup = true, everySeconds = 10 } });
        await using var agent = new TestAgent(hub.BaseAddress, identity);
        await agent.StartAsync();
        await Waiting.UntilAsync(async () => (await hub.GetAsync($"api/v1/devices/{device}/polls")).GetArrayLength() == 1, TimeSpan.FromSeconds(30), "the first poll");

        var port = hub.BaseAddress.Port;
        await hub.StopAsync();
        host.Listen(80);
        await Waiting.UntilAsync(() => Task.FromResult(agent.Outbox.Count >= 2), TimeSpan.FromSeconds(60), "two polls queued while the hub is away");
        await hub.RunAsync(null, port, Cancel);
        await Waiting.UntilAsync(() => Task.FromResult(agent.Outbox.Count == 0), TimeSpan.FromSeconds(60), "the queue to drain");

        var polls = (await hub.GetAsync($"api/v1/devices/{device}/polls?limit=100")).EnumerateArray().ToList();
        Assert.True(polls.Count >= 3, $"{polls.Count} polls");
        Assert.Equal(polls.Count, polls.Select(p => p.GetProperty("id").GetString()).Distinct().Count());
        var started = polls.Select(p => p.GetProperty("startedAt").GetDateTimeOffset()).Reverse().ToList();
        Assert.Equal(started.Order(), started);
        var opened = await hub.GetAsync($"api/v1/events?device={device}&type=port-opened,port-closed");
        Assert.Equal([80], opened.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("port").GetInt32()));
        Assert.Equal(polls.Count, (await hub.GetAsync($"api/v1/events?device={device}&type=poll-completed&limit=1000")).GetProperty("items").GetArrayLength());
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NetworkLabTests
{
    public const string Name = "network lab";
}
