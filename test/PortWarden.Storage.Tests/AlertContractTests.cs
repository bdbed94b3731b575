using Microsoft.Data.Sqlite;
using PortWarden.Core.Alerts;
using PortWarden.Core.Tracking;
using PortWarden.Storage.Postgres;
using PortWarden.Storage.Sqlite;

namespace PortWarden.Storage.Tests;

/// <summary>What every store must do with alert rules, the alert outbox and expected ports; run against SQLite and PostgreSQL.</summary>
public abstract class AlertContractTests
{
    protected static CancellationToken Cancel => TestContext.Current.CancellationToken;

    protected abstract Task<IPortWardenStore> NewStoreAsync();

    [Fact]
    public async Task Alert_rules_round_trip_update_and_remove_with_names_unique_among_live_rules()
    {
        await using var store = await NewStoreAsync();
        var rule = new AlertRule
        {
            Name = "Ops",
            Match = new AlertMatch { Types = ["port-opened"], Classification = "unplanned", Devices = ["web"], Hosts = "10.0.0.0/24", Ports = "T:22" },
            QuietHours = new QuietHours { Start = "22:00", End = "07:00", TimeZone = "Europe/Berlin", Mode = "defer" },
            Channels = [new AlertChannel { Type = "webhook", Url = "https://hooks.example.test/x", Secret = "k" }],
            CreatedAt = new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero),
        };

        var added = await store.AddAlertRuleAsync(rule, Cancel);
        var duplicate = await Assert.ThrowsAsync<StoreException>(() => store.AddAlertRuleAsync(rule with { Name = "OPS" }, Cancel));
        var updated = await store.UpdateAlertRuleAsync(added with { Enabled = false, Channels = [new AlertChannel { Type = "slack", Url = "https://a.test/b" }] }, Cancel);

        Assert.Contains("'OPS'", duplicate.Message, StringComparison.Ordinal);
        Assert.Equivalent(rule with { Id = added.Id }, added, strict: true);
        Assert.Equivalent(added with { Enabled = false, Channels = [new AlertChannel { Type = "slack", Url = "https://a.test/b" }] }, await store.GetAlertRuleAsync(added.Id, Cancel), strict: true);
        Assert.False(updated!.Enabled);
        Assert.Equal(added.Id, (await store.FindAlertRuleAsync("ops", Cancel))!.Id);
        Assert.True(await store.RemoveAlertRuleAsync(added.Id, Cancel));
        Assert.False(await store.RemoveAlertRuleAsync(added.Id, Cancel));
        Assert.Null(await store.GetAlertRuleAsync(added.Id, Cancel));
        Assert.Null(await store.UpdateAlertRuleAsync(added, Cancel));
        Assert.Empty(await store.ListAlertRulesAsync(Cancel));
        Assert.NotEqual(added.Id, (await store.AddAlertRuleAsync(rule, Cancel)).Id);
    }

    [Fact]
    public async Task Deliveries_are_queued_once_per_poll_rule_and_channel_leased_by_one_dispatcher_and_settled()
    {
        await using var store = await NewStoreAsync();
        var (rule, device) = await SetUpAsync(store);
        var now = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
        var poll = Guid.CreateVersion7();
        AlertDelivery Delivery(string channel, DateTimeOffset due) => new(Guid.CreateVersion7(), poll, rule.Id, channel, device.Id, """{"subject":"s"}""", now, due);
        var first = Delivery("webhook", now);
        var later = Delivery("email", now.AddHours(1));

        Assert.Equal(2, await store.EnqueueAlertDeliveriesAsync([first, later], Cancel));
        Assert.Equal(0, await store.EnqueueAlertDeliveriesAsync([Delivery("webhook", now)], Cancel));

        var leased = await store.LeaseDueAlertDeliveriesAsync("a", now, now.AddMinutes(2), 10, Cancel);
        Assert.Equal([first.Id], leased.Select(d => d.Id));
        Assert.Equal("""{"subject":"s"}""", leased[0].Message.Replace(" ", "", StringComparison.Ordinal));
        Assert.Empty(await store.LeaseDueAlertDeliveriesAsync("b", now.AddMinutes(1), now.AddMinutes(3), 10, Cancel));

        // A failed attempt for the lease holder only; another dispatcher's settle is ignored.
        await store.SettleAlertDeliveryAsync(first.Id, "b", new AlertAttempt(DeliveryStatus.Delivered, 1, null, now, now), Cancel);
        await store.SettleAlertDeliveryAsync(first.Id, "a", new AlertAttempt(DeliveryStatus.Pending, 1, "HTTP 503", now.AddSeconds(30), null), Cancel);
        var retrying = (await store.GetAlertDeliveryAsync(first.Id, Cancel))!;
        Assert.Equal((DeliveryStatus.Pending, 1, "HTTP 503", now.AddSeconds(30)), (retrying.Status, retrying.Attempts, retrying.LastError, retrying.NextAttemptAt));
        Assert.Empty(await store.LeaseDueAlertDeliveriesAsync("b", now.AddSeconds(10), now.AddMinutes(3), 10, Cancel));

        // An expired lease (dispatcher died) lets another dispatcher take the delivery.
        Assert.Single(await store.LeaseDueAlertDeliveriesAsync("b", now.AddSeconds(31), now.AddSeconds(40), 10, Cancel));
        Assert.Single(await store.LeaseDueAlertDeliveriesAsync("c", now.AddSeconds(41), now.AddMinutes(3), 10, Cancel));
        await store.SettleAlertDeliveryAsync(first.Id, "c", new AlertAttempt(DeliveryStatus.Dead, 2, "HTTP 500", now.AddSeconds(41), null), Cancel);

        Assert.Equal([first.Id], (await store.ListAlertDeliveriesAsync(DeliveryStatus.Dead, 10, Cancel)).Select(d => d.Id));
        Assert.Equal(2, (await store.ListAlertDeliveriesAsync(null, 10, Cancel)).Count);
        Assert.False(await store.RetryAlertDeliveryAsync(later.Id, now, Cancel));
        Assert.True(await store.RetryAlertDeliveryAsync(first.Id, now.AddMinutes(5), Cancel));
        var again = Assert.Single(await store.LeaseDueAlertDeliveriesAsync("d", now.AddMinutes(5), now.AddMinutes(7), 10, Cancel));
        Assert.Equal((first.Id, 0), (again.Id, again.Attempts));
        await store.SettleAlertDeliveryAsync(first.Id, "d", new AlertAttempt(DeliveryStatus.Delivered, 1, null, now.AddMinutes(5), now.AddMinutes(5)), Cancel);
        Assert.Equal(now.AddMinutes(5), (await store.GetAlertDeliveryAsync(first.Id, Cancel))!.DeliveredAt);
        Assert.Equal([later.Id], (await store.LeaseDueAlertDeliveriesAsync("e", now.AddHours(2), now.AddHours(3), 10, Cancel)).Select(d => d.Id));
    }

    [Fact]
    public async Task A_suppressed_delivery_is_never_leased_but_can_be_sent_by_hand()
    {
        await using var store = await NewStoreAsync();
        var (rule, device) = await SetUpAsync(store);
        var now = DateTimeOffset.UtcNow;
        var suppressed = new AlertDelivery(Guid.CreateVersion7(), Guid.CreateVersion7(), rule.Id, "webhook", device.Id, "{}", now, now) { Status = DeliveryStatus.Suppressed };
        await store.EnqueueAlertDeliveriesAsync([suppressed], Cancel);

        Assert.Empty(await store.LeaseDueAlertDeliveriesAsync("a", now.AddDays(1), now.AddDays(2), 10, Cancel));
        Assert.True(await store.RetryAlertDeliveryAsync(suppressed.Id, now, Cancel));
        Assert.Single(await store.LeaseDueAlertDeliveriesAsync("a", now.AddSeconds(1), now.AddMinutes(1), 10, Cancel));
    }

    [Fact]
    public async Task Expected_ports_are_kept_on_the_device_and_can_be_cleared()
    {
        await using var store = await NewStoreAsync();
        var device = await store.SaveDeviceAsync("web", DeviceKind.Host, "10.0.0.1", Cancel);

        Assert.True(await store.SetExpectedPortsAsync(device.Id, "T:22,443,U:53", Cancel));
        Assert.Equal("T:22,443,U:53", (await store.GetDeviceAsync(device.Id, Cancel))!.ExpectedPorts);
        Assert.Equal("T:22,443,U:53", (await store.FindDeviceAsync("WEB", Cancel))!.ExpectedPorts);
        Assert.Equal("T:22,443,U:53", Assert.Single(await store.ListDevicesAsync(Cancel)).Device.ExpectedPorts);
        Assert.Equal("T:22,443,U:53", (await store.SaveDeviceAsync("web", DeviceKind.Host, "10.0.0.2", Cancel)).ExpectedPorts);

        Assert.True(await store.SetExpectedPortsAsync(device.Id, null, Cancel));
        Assert.Null((await store.GetDeviceAsync(device.Id, Cancel))!.ExpectedPorts);
        Assert.False(await store.SetExpectedPortsAsync(device.Id + 100, "22", Cancel));
    }

    private static async Task<(AlertRule Rule, Device Device)> SetUpAsync(IPortWardenStore store) =>
        (await store.AddAlertRuleAsync(new AlertRule { Name = "r", Channels = [new AlertChannel { Type = "webhook", Url = "https://a.test/" }] }, Cancel),
            await store.SaveDeviceAsync("web", DeviceKind.Host, "10.0.0.1", Cancel));
}

public sealed class SqliteAlertTests : AlertContractTests, IDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("portwarden-alerts-");

    protected override async Task<IPortWardenStore> NewStoreAsync() =>
        await SqliteStore.OpenAsync(Path.Combine(directory.FullName, $"{Guid.NewGuid():N}.db"), Cancel);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        directory.Delete(recursive: true);
    }
}

public sealed class PostgresAlertTests(PostgresDatabase database) : AlertContractTests, IClassFixture<PostgresDatabase>
{
    protected override async Task<IPortWardenStore> NewStoreAsync() =>
        await PostgresStore.OpenAsync(await database.NewSchemaAsync(), Cancel);
}
