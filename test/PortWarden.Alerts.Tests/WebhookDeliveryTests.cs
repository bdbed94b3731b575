using System.Text.Json;
using PortWarden.Alerts.Channels;
using PortWarden.Alerts.Dispatch;
using PortWarden.Core.Alerts;
using PortWarden.TestServers;

namespace PortWarden.Alerts.Tests;

/// <summary>The outbox end to end: a real store, the dispatcher, and a real HTTP receiver that fails when told to.</summary>
public sealed class WebhookDeliveryTests
{
    private const string Secret = "s3cret-key";

    private static readonly AlertDeliveryOptions FastRetries = new() { FirstRetryDelay = TimeSpan.FromMilliseconds(100), MaxRetryDelay = TimeSpan.FromMilliseconds(400), MaxAttempts = 5 };

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_receiver_that_fails_twice_then_succeeds_gets_the_message_once_signed()
    {
        await using var scratch = await ScratchStore.OpenAsync();
        await using var receiver = await WebhookReceiver.StartAsync(Cancel);
        receiver.Respond = n => n <= 2 ? 503 : 200;
        await AddRuleAsync(scratch, receiver);
        await QueueChangeAsync(scratch);
        using var http = new HttpClient();
        var dispatcher = new AlertDispatcher(scratch.Store, AlertSenders.Create(http, TimeProvider.System), TimeProvider.System, FastRetries);

        var delivery = await DeliverUntilSettledAsync(scratch, dispatcher);

        Assert.Equal((DeliveryStatus.Delivered, 3), (delivery.Status, delivery.Attempts));
        Assert.Equal([503, 503, 200], receiver.Requests.Select(r => r.Status));
        Assert.All(receiver.Requests, r => Assert.Equal(delivery.Id.ToString(), r.Header(WebhookSignature.DeliveryHeader)));
        var accepted = Assert.Single(receiver.Accepted);
        Assert.True(WebhookSignature.Verify(Secret, accepted.Header(WebhookSignature.TimestampHeader), accepted.Body, accepted.Header(WebhookSignature.SignatureHeader),
            DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)), "the signature verifies");
        Assert.False(WebhookSignature.Verify("wrong", accepted.Header(WebhookSignature.TimestampHeader), accepted.Body, accepted.Header(WebhookSignature.SignatureHeader),
            DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify(Secret, accepted.Header(WebhookSignature.TimestampHeader), accepted.Body, accepted.Header(WebhookSignature.SignatureHeader),
            DateTimeOffset.UtcNow.AddMinutes(10), TimeSpan.FromMinutes(5)), "a replay ten minutes later is refused");
        Assert.Equal(await OpenSslHmac.WebhookSignatureAsync(Secret, accepted, Cancel), accepted.Header(WebhookSignature.SignatureHeader));
        using var body = JsonDocument.Parse(accepted.Text);
        Assert.Equal(("ops", "lan", 2), (body.RootElement.GetProperty("rule").GetString(), body.RootElement.GetProperty("device").GetString(), body.RootElement.GetProperty("total").GetInt32()));
        Assert.Equal([443, 8443], body.RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("port").GetInt32()).Order());
    }

    [Fact]
    public async Task A_receiver_that_always_fails_leaves_the_delivery_dead_until_it_is_retried()
    {
        await using var scratch = await ScratchStore.OpenAsync();
        await using var receiver = await WebhookReceiver.StartAsync(Cancel);
        receiver.Respond = _ => 500;
        await AddRuleAsync(scratch, receiver);
        await QueueChangeAsync(scratch);
        using var http = new HttpClient();
        var dispatcher = new AlertDispatcher(scratch.Store, AlertSenders.Create(http, TimeProvider.System), TimeProvider.System, FastRetries with { MaxAttempts = 3 });

        var dead = await DeliverUntilSettledAsync(scratch, dispatcher);

        Assert.Equal((DeliveryStatus.Dead, 3), (dead.Status, dead.Attempts));
        Assert.Contains("answered 500", dead.LastError, StringComparison.Ordinal);
        Assert.Equal(dead.Id, Assert.Single(await scratch.Store.ListAlertDeliveriesAsync(DeliveryStatus.Dead, 10, Cancel)).Id);
        Assert.Equal(3, receiver.Requests.Count);

        receiver.Respond = _ => 200;
        Assert.True(await scratch.Store.RetryAlertDeliveryAsync(dead.Id, DateTimeOffset.UtcNow, Cancel));
        var retried = await DeliverUntilSettledAsync(scratch, dispatcher);

        Assert.Equal((DeliveryStatus.Delivered, 1), (retried.Status, retried.Attempts));
        Assert.Single(receiver.Accepted);
        Assert.Empty(await scratch.Store.ListAlertDeliveriesAsync(DeliveryStatus.Dead, 10, Cancel));
    }

    [Fact]
    public async Task Queuing_the_same_poll_twice_queues_its_messages_once()
    {
        await using var scratch = await ScratchStore.OpenAsync();
        await using var receiver = await WebhookReceiver.StartAsync(Cancel);
        await AddRuleAsync(scratch, receiver);
        var (device, result) = await ChangeAsync(scratch);
        var outbox = new AlertOutbox(scratch.Store, TimeProvider.System);

        Assert.Equal(1, await outbox.EnqueueAsync(device, result.Poll, result.Events, Cancel));
        Assert.Equal(0, await outbox.EnqueueAsync(device, result.Poll, result.Events, Cancel));

        Assert.Single(await scratch.Store.ListAlertDeliveriesAsync(null, 10, Cancel));
    }

    [Fact]
    public async Task A_delivery_whose_rule_was_removed_is_dead_at_once_and_says_why()
    {
        await using var scratch = await ScratchStore.OpenAsync();
        await using var receiver = await WebhookReceiver.StartAsync(Cancel);
        var rule = await AddRuleAsync(scratch, receiver);
        await QueueChangeAsync(scratch);
        await scratch.Store.RemoveAlertRuleAsync(rule.Id, Cancel);
        using var http = new HttpClient();

        var delivery = await DeliverUntilSettledAsync(scratch, new AlertDispatcher(scratch.Store, AlertSenders.Create(http, TimeProvider.System), TimeProvider.System, FastRetries));

        Assert.Equal((DeliveryStatus.Dead, 1), (delivery.Status, delivery.Attempts));
        Assert.Contains("was removed", delivery.LastError, StringComparison.Ordinal);
        Assert.Empty(receiver.Requests);
    }

    [Fact]
    public async Task Slack_and_teams_channels_post_their_own_bodies()
    {
        await using var receiver = await WebhookReceiver.StartAsync(Cancel);
        using var http = new HttpClient();
        var message = Samples.Message([Samples.Opened()]);

        await new SlackSender(http).SendAsync(new AlertChannel { Type = "slack", Url = receiver.Url("slack").ToString() }, message, Guid.CreateVersion7(), Cancel);
        await new TeamsSender(http).SendAsync(new AlertChannel { Type = "teams", Url = receiver.Url("teams").ToString() }, message, Guid.CreateVersion7(), Cancel);

        using var slack = JsonDocument.Parse(receiver.Requests.Single(r => r.Path == "/slack").Text);
        Assert.StartsWith(message.Subject, slack.RootElement.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(["header", "section"], slack.RootElement.GetProperty("blocks").EnumerateArray().Select(b => b.GetProperty("type").GetString()));
        using var teams = JsonDocument.Parse(receiver.Requests.Single(r => r.Path == "/teams").Text);
        var card = teams.RootElement.GetProperty("attachments")[0];
        Assert.Equal("application/vnd.microsoft.card.adaptive", card.GetProperty("contentType").GetString());
        Assert.Equal("AdaptiveCard", card.GetProperty("content").GetProperty("type").GetString());
        Assert.Contains(card.GetProperty("content").GetProperty("body").EnumerateArray(), b => b.TryGetProperty("text", out var t) && t.GetString()!.Contains("tcp/8080", StringComparison.Ordinal));
    }

    private static async Task<AlertRule> AddRuleAsync(ScratchStore scratch, WebhookReceiver receiver) =>
        await scratch.Store.AddAlertRuleAsync(
            new AlertRule { Name = "ops", Channels = [new AlertChannel { Type = "webhook", Url = receiver.Url().ToString(), Secret = Secret }] }, Cancel);

    private static async Task<(Core.Tracking.Device Device, Core.Tracking.PollResult Result)> ChangeAsync(ScratchStore scratch)
    {
        await scratch.PollAsync("lan", TimeProvider.System, ("198.18.5.1", [22]));
        var result = await scratch.PollAsync("lan", TimeProvider.System, ("198.18.5.1", [22, 443, 8443]));
        return ((await scratch.Store.FindDeviceAsync("lan", Cancel))!, result);
    }

    private static async Task QueueChangeAsync(ScratchStore scratch)
    {
        var (device, result) = await ChangeAsync(scratch);
        Assert.Equal(1, await new AlertOutbox(scratch.Store, TimeProvider.System).EnqueueAsync(device, result.Poll, result.Events, Cancel));
    }

    /// <summary>Runs dispatch rounds until the one delivery is no longer pending (bounded), and returns it.</summary>
    private static async Task<AlertDelivery> DeliverUntilSettledAsync(ScratchStore scratch, AlertDispatcher dispatcher)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            await dispatcher.DeliverDueAsync(Cancel);
            var delivery = Assert.Single(await scratch.Store.ListAlertDeliveriesAsync(null, 10, Cancel));
            if (delivery.Status != DeliveryStatus.Pending)
            {
                return delivery;
            }

            Assert.True(DateTime.UtcNow < deadline, $"still pending after 30 s: {delivery}");
            await Task.Delay(50, Cancel);
        }
    }
}
