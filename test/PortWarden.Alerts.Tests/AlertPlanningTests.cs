using Microsoft.Extensions.Time.Testing;
using PortWarden.Alerts.Channels;
using PortWarden.Alerts.Dispatch;
using PortWarden.Core.Alerts;
using PortWarden.Core.Tracking;
using PortWarden.TestServers;

namespace PortWarden.Alerts.Tests;

/// <summary>Which events a rule takes, how a poll's events become one message, and quiet hours on a fake clock.</summary>
public sealed class AlertPlanningTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public void A_change_of_a_whole_network_is_one_message_per_rule_and_channel()
    {
        var device = new Device(1, "office", DeviceKind.Network, "198.18.9.0/24", Samples.At);
        var poll = new PollRecord(Guid.CreateVersion7(), 1, null, "connect", Samples.At, Samples.At, PollCounts.None, null);
        var events = Enumerable.Range(1, 254).SelectMany(h => Enumerable.Range(1, 40).Select(p => Samples.Opened() with
        {
            Id = Guid.CreateVersion7(),
            PollId = poll.Id,
            Device = "office",
            DeviceId = 1,
            Host = $"198.18.9.{h}",
            Port = p,
        })).ToList();
        var rules = new[]
        {
            new AlertRule { Id = 1, Name = "all", Channels = [new AlertChannel { Type = "webhook", Url = "http://127.0.0.1:1/" }, new AlertChannel { Type = "slack", Url = "http://127.0.0.1:1/" }] },
            new AlertRule { Id = 2, Name = "ssh", Match = new AlertMatch { Ports = "22" }, Channels = [new AlertChannel { Type = "webhook", Url = "http://127.0.0.1:1/" }] },
        };

        var deliveries = AlertPlanner.Plan(rules, device, poll, events, Samples.At);

        Assert.Equal([(1L, "webhook"), (1L, "slack"), (2L, "webhook")], deliveries.Select(d => (d.RuleId, d.Channel)));
        var all = AlertMessageJson.Parse(deliveries[0].Message);
        Assert.Equal((10_160, 10_160, AlertMessage.MaxListed, true), (all.Total, all.Unplanned, all.Events.Count, all.Truncated));
        var ssh = AlertMessageJson.Parse(deliveries[2].Message);
        Assert.Equal(254, ssh.Total);
        Assert.All(ssh.Events, e => Assert.Equal(22, e.Port));
    }

    [Theory]
    [InlineData("{}", true)]
    [InlineData("""{"types":["port-closed"]}""", false)]
    [InlineData("""{"classification":"planned"}""", false)]
    [InlineData("""{"classification":"unplanned","devices":["WEB"]}""", true)]
    [InlineData("""{"devices":["db"]}""", false)]
    [InlineData("""{"hosts":"198.18.1.0/24","ports":"T:8000-8100"}""", true)]
    [InlineData("""{"hosts":"198.18.2.0/24"}""", false)]
    [InlineData("""{"ports":"U:8080"}""", false)]
    public void A_rule_matches_on_type_classification_device_host_and_port(string match, bool matches)
    {
        var filter = new AlertFilter(System.Text.Json.JsonSerializer.Deserialize<AlertMatch>(match, AlertRuleDocument.Options)!);

        Assert.Equal(matches, filter.Matches(Samples.Opened()));
    }

    [Fact]
    public void Without_types_a_rule_takes_changes_but_not_bookkeeping_events()
    {
        var filter = new AlertFilter(new AlertMatch());

        Assert.False(filter.Matches(Samples.Opened() with { Type = EventType.PollCompleted, Classification = null }));
        Assert.True(new AlertFilter(new AlertMatch { Types = ["poll-completed"] }).Matches(Samples.Opened() with { Type = EventType.PollCompleted }));
    }

    [Fact]
    public async Task Quiet_hours_defer_a_message_to_their_end_in_the_rules_time_zone()
    {
        // 22:30 in Berlin (UTC+1 in November): inside 22:00-07:00, which ends at 06:00 UTC the next day.
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 21, 30, 0, TimeSpan.Zero));
        await using var scratch = await ScratchStore.OpenAsync();
        await using var receiver = await WebhookReceiver.StartAsync(Cancel);
        await scratch.Store.AddAlertRuleAsync(new AlertRule
        {
            Name = "night",
            QuietHours = new QuietHours { Start = "22:00", End = "07:00", TimeZone = "Europe/Berlin" },
            Channels = [new AlertChannel { Type = "webhook", Url = receiver.Url().ToString() }],
        }, Cancel);
        using var http = new HttpClient();
        var dispatcher = new AlertDispatcher(scratch.Store, AlertSenders.Create(http, clock), clock, new AlertDeliveryOptions());

        await QueueChangeAsync(scratch, clock);
        var queued = Assert.Single(await scratch.Store.ListAlertDeliveriesAsync(null, 10, Cancel));
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 6, 0, 0, TimeSpan.Zero), queued.NextAttemptAt);

        clock.Advance(TimeSpan.FromHours(8) + TimeSpan.FromMinutes(28));
        Assert.Equal(0, (await dispatcher.DeliverDueAsync(Cancel)).Attempted);
        Assert.Empty(receiver.Requests);

        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, (await dispatcher.DeliverDueAsync(Cancel)).Delivered);
        Assert.Single(receiver.Accepted);
    }

    [Fact]
    public async Task Quiet_hours_in_suppress_mode_keep_the_message_as_suppressed_and_never_send_it()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 7, 1, 12, 0, 0, TimeSpan.Zero));
        await using var scratch = await ScratchStore.OpenAsync();
        await using var receiver = await WebhookReceiver.StartAsync(Cancel);
        await scratch.Store.AddAlertRuleAsync(new AlertRule
        {
            Name = "lunch",
            QuietHours = new QuietHours { Start = "11:30", End = "13:00", TimeZone = "UTC", Mode = "suppress" },
            Channels = [new AlertChannel { Type = "webhook", Url = receiver.Url().ToString() }],
        }, Cancel);
        using var http = new HttpClient();
        var dispatcher = new AlertDispatcher(scratch.Store, AlertSenders.Create(http, clock), clock, new AlertDeliveryOptions());

        await QueueChangeAsync(scratch, clock);
        clock.Advance(TimeSpan.FromHours(2));
        await dispatcher.DeliverDueAsync(Cancel);

        Assert.Equal(DeliveryStatus.Suppressed, Assert.Single(await scratch.Store.ListAlertDeliveriesAsync(null, 10, Cancel)).Status);
        Assert.Empty(receiver.Requests);
    }

    [Fact]
    public void Outside_quiet_hours_a_message_is_due_at_once()
    {
        var quiet = new QuietPeriod(new QuietHours { Start = "22:00", End = "07:00", TimeZone = "America/New_York" });

        Assert.Null(quiet.EndOfQuiet(new DateTimeOffset(2026, 11, 25, 15, 0, 0, TimeSpan.Zero)));
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero), quiet.EndOfQuiet(new DateTimeOffset(2026, 11, 25, 5, 0, 0, TimeSpan.Zero)));
    }

    private static async Task QueueChangeAsync(ScratchStore scratch, FakeTimeProvider clock)
    {
        await scratch.PollAsync("lan", clock, ("198.18.5.1", [22]));
        clock.Advance(TimeSpan.FromMinutes(1));
        var result = await scratch.PollAsync("lan", clock, ("198.18.5.1", [22, 80]));
        var device = (await scratch.Store.FindDeviceAsync("lan", Cancel))!;
        Assert.Equal(1, await new AlertOutbox(scratch.Store, clock).EnqueueAsync(device, result.Poll, result.Events, Cancel));
    }
}
