using PortWarden.NetLab;

namespace PortWarden.Hub.Tests.Truth;

/// <summary>A real agent tracking TCP and UDP ports of a stable host behind 5% packet loss reports no change to the hub, ever.</summary>
[Collection(NetworkLabTests.Name)]
public sealed class LossyTrackingTests(ITestOutputHelper log)
{
    private const int Polls = 20;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Twenty_agent_polls_of_tcp_and_udp_ports_behind_5_percent_loss_record_no_change_events_at_the_hub()
    {
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(new LabHostOptions { LossPercent = 5 }, Cancel);

        // Closed UDP ports answer with ICMP at once (no rate limit in the lab host), so loss, not pacing, is what is tested.
        await host.ExecAsync("sysctl", "-q", "-w", "net.ipv4.icmp_ratelimit=0");
        host.Listen(22);
        host.Listen(80);
        await using var dns = host.ListenUdp(53, _ => "pong"u8.ToArray(), host.Address);
        await using var snmp = host.ListenUdp(161, _ => "pong"u8.ToArray(), host.Address);
        await using var hub = await TestHub.StartAsync(cancellationToken: Cancel);
        var identity = await hub.EnrolAsync("lossy");
        var device = await hub.DeviceAsync("lossy", host.Address.ToString(), identity.AgentId);
        var tracker = await hub.TrackerAsync(device, "both", new { ports = "T:22,80,81,U:53,54,161", schedule = new { atStartup = true } });
        Assert.Equal("connect+udp", (await hub.GetAsync($"api/v1/trackers/{tracker}")).GetProperty("engine").GetString());
        await using (var agent = new TestAgent(hub.BaseAddress, identity))
        {
            await agent.StartAsync();
            for (var poll = 1; poll <= Polls; poll++)
            {
                // One poll at a time: the next is asked for once the last is recorded (intervals under 10 s are refused).
                await Waiting.UntilAsync(async () => (await hub.GetAsync($"api/v1/devices/{device}/polls?limit=100")).GetArrayLength() >= poll,
                    TimeSpan.FromSeconds(60), $"poll {poll}");
                if (poll < Polls)
                {
                    Assert.True((await hub.Admin.PostAsync($"api/v1/trackers/{tracker}/run", null, Cancel)).IsSuccessStatusCode);
                }
            }
        }

        var polls = (await hub.GetAsync($"api/v1/devices/{device}/polls?limit=100")).EnumerateArray().ToList();
        log.WriteLine($"{polls.Count} polls of {string.Join(",", polls.Select(p => p.GetProperty("durationMs").GetInt64()))} ms; errors: {string.Join("; ", polls.Select(p => p.GetProperty("error").GetString()).Where(e => e is not null))}");
        var changes = await hub.GetAsync($"api/v1/events?device={device}&type=port-opened,port-closed,host-up,host-down,service-changed&limit=1000");
        Assert.True(changes.GetProperty("items").GetArrayLength() == 0, $"false change events: {changes.GetProperty("items")}");
        var completed = await hub.GetAsync($"api/v1/events?device={device}&type=poll-completed&limit=1000");
        Assert.Equal(polls.Count, completed.GetProperty("items").GetArrayLength());
        Assert.All(completed.GetProperty("items").EnumerateArray(), e => Assert.NotEqual("failed", e.GetProperty("payload").GetProperty("outcome").GetString()));
        var baseline = await hub.GetAsync($"api/v1/devices/{device}/baseline");
        Assert.Equal(
            [("tcp", 22), ("tcp", 80), ("udp", 53), ("udp", 161)],
            Assert.Single(baseline.EnumerateArray()).GetProperty("ports").EnumerateArray().Select(p => (p.GetProperty("protocol").GetString(), p.GetProperty("port").GetInt32())));
    }
}
