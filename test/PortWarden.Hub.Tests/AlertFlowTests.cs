using System.Text.Json;
using PortWarden.Alerts.Channels;
using PortWarden.NetLab;
using PortWarden.TestServers;

namespace PortWarden.Hub.Tests;

/// <summary>A real port change on a namespace host, seen by an agent, recorded by the hub, and alerted by email and webhook.</summary>
[Collection(NetworkLabTests.Name)]
public sealed class AlertFlowTests
{
    private static readonly string[] OpenedOnly = ["port-opened"];
    private static readonly string[] Recipients = ["ops@example.test"];

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_change_of_two_ports_gives_exactly_one_grouped_message_per_rule()
    {
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(cancellationToken: Cancel);
        host.Listen(22);
        await using var receiver = await WebhookReceiver.StartAsync(Cancel);
        await using var smtp = await SmtpSink.StartAsync(cancellationToken: Cancel);
        await using var hub = await TestHub.StartAsync(AlertHubTests.FastAlerts("unused"), Cancel);
        await hub.PostAsync<JsonElement>("api/v1/alert-rules", new
        {
            name = "unplanned-webhook",
            match = new { classification = "unplanned" },
            channels = new[] { new { type = "webhook", url = receiver.Url().ToString(), secret = "flow-secret" } },
        });
        await hub.PostAsync<JsonElement>("api/v1/alert-rules", new
        {
            name = "opened-email",
            match = new { types = OpenedOnly },
            channels = new object[] { new { type = "email", to = Recipients, from = "pw@example.test", smtpHost = "127.0.0.1", smtpPort = smtp.Port, smtpSecurity = "none" } },
        });
        await hub.PostAsync<JsonElement>("api/v1/alert-rules", new
        {
            name = "ssh-only",
            match = new { ports = "22" },
            channels = new[] { new { type = "webhook", url = receiver.Url("ssh").ToString() } },
        });
        var identity = await hub.EnrolAsync("branch");
        var device = await hub.DeviceAsync("branch-gw", host.Address.ToString(), identity.AgentId);
        var tracker = await hub.TrackerAsync(device, "tcp", new { schedule = new { atStartup = true } });
        await using var agent = new TestAgent(hub.BaseAddress, identity);
        await agent.StartAsync();
        await Waiting.UntilAsync(async () => (await hub.GetAsync($"api/v1/devices/{device}/polls")).GetArrayLength() == 1, TimeSpan.FromSeconds(30), "the first poll");

        host.Listen(80);
        host.Listen(110);
        await hub.Admin.PostAsync($"api/v1/trackers/{tracker}/run", null, Cancel);
        await Waiting.UntilAsync(async () => (await hub.GetAsync($"api/v1/devices/{device}/polls")).GetArrayLength() == 2, TimeSpan.FromSeconds(30), "the second poll");
        await Waiting.UntilAsync(async () => (await hub.GetAsync("api/v1/alert-deliveries?status=delivered")).GetArrayLength() == 2, TimeSpan.FromSeconds(30), "both deliveries");

        Assert.Empty(await hub.Store.ListAlertDeliveriesAsync(Core.Alerts.DeliveryStatus.Pending, 10, Cancel));
        var webhook = Assert.Single(receiver.Requests);
        Assert.Equal(await OpenSslHmac.WebhookSignatureAsync("flow-secret", webhook, Cancel), webhook.Header(WebhookSignature.SignatureHeader));
        using var body = JsonDocument.Parse(webhook.Text);
        Assert.Equal(("unplanned-webhook", "branch-gw", 2, 2), (body.RootElement.GetProperty("rule").GetString(), body.RootElement.GetProperty("device").GetString(),
            body.RootElement.GetProperty("total").GetInt32(), body.RootElement.GetProperty("unplanned").GetInt32()));
        Assert.Equal([80, 110], body.RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("port").GetInt32()).Order());
        Assert.All(body.RootElement.GetProperty("events").EnumerateArray(), e => Assert.Equal(host.Address.ToString(), e.GetProperty("host").GetString()));
        var mail = Assert.Single(smtp.Messages);
        Assert.Equal("PortWarden: 2 changes on 'branch-gw' (2 unplanned, 0 planned): 2 port-opened", mail.Subject);
        Assert.Contains($"+ {host.Address} tcp/80 open http (unplanned)", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains($"+ {host.Address} tcp/110 open pop3 (unplanned)", mail.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sharded_network_poll_gives_one_message_for_the_changes_of_all_its_shards()
    {
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(new LabHostOptions { LiveHosts = [3, 40] }, Cancel);
        await using var receiver = await WebhookReceiver.StartAsync(Cancel);
        await using var hub = await TestHub.StartAsync(AlertHubTests.FastAlerts("unused"), Cancel);
        await hub.PostAsync<JsonElement>("api/v1/alert-rules", new { name = "lan", channels = new[] { new { type = "webhook", url = receiver.Url().ToString() } } });
        var identity = await hub.EnrolAsync("branch");
        var device = (await hub.PostAsync<JsonElement>("api/v1/devices", new { name = "lan", kind = "network", targets = host.Range(1, 48), agentIds = new[] { identity.AgentId } }))
            .GetProperty("id").GetInt64();
        var tracker = await hub.TrackerAsync(device, "tcp", new { mode = "network", ports = "1-100", shardSize = 16 });
        await using var agent = new TestAgent(hub.BaseAddress, identity);
        await agent.StartAsync();

        async Task PollAsync(int count)
        {
            await hub.Admin.PostAsync($"api/v1/trackers/{tracker}/run", null, Cancel);
            await Waiting.UntilAsync(async () => (await hub.GetAsync($"api/v1/devices/{device}/polls")).EnumerateArray().Count(p => !p.GetProperty("running").GetBoolean()) == count,
                TimeSpan.FromSeconds(90), $"sharded poll {count}");
        }

        await PollAsync(1);
        host.Listen(80);
        await PollAsync(2);
        await Waiting.UntilAsync(async () => (await hub.GetAsync("api/v1/alert-deliveries?status=delivered")).GetArrayLength() == 1, TimeSpan.FromSeconds(30), "the delivery");

        using var body = JsonDocument.Parse(Assert.Single(receiver.Requests).Text);
        Assert.Equal(2, body.RootElement.GetProperty("total").GetInt32());
        Assert.Equal([host.AddressAt(3).ToString(), host.AddressAt(40).ToString()],
            body.RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("host").GetString()).Order(StringComparer.Ordinal));
        Assert.Single(await hub.Store.ListAlertDeliveriesAsync(null, 10, Cancel));
    }
}
