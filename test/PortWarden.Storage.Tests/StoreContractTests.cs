using PortWarden.Core.Ports;
using PortWarden.Core.Tracking;

namespace PortWarden.Storage.Tests;

/// <summary>What every store must do; each implementation runs these against a real database.</summary>
public abstract class StoreContractTests
{
    protected static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>A new, empty store of the implementation under test.</summary>
    protected abstract Task<IPortWardenStore> NewStoreAsync();

    [Fact]
    public async Task Devices_are_created_once_and_updated_by_name()
    {
        await using var store = await NewStoreAsync();

        var created = await store.SaveDeviceAsync("Office LAN", DeviceKind.Network, "10.0.0.0/24", Cancel);
        var updated = await store.SaveDeviceAsync("office lan", DeviceKind.Network, "10.0.0.0/23", Cancel);

        Assert.Equal(created.Id, updated.Id);
        Assert.Equal("10.0.0.0/23", (await store.FindDeviceAsync("OFFICE LAN", Cancel))!.Targets);
        Assert.Null(await store.FindDeviceAsync("nope", Cancel));
        Assert.False(created.BaselineEstablished);
    }

    [Fact]
    public async Task A_recorded_poll_round_trips_baseline_events_and_poll_history()
    {
        await using var store = await NewStoreAsync();
        var device = await store.SaveDeviceAsync("lab", DeviceKind.Network, "10.0.0.0/24", Cancel);
        await StorePolls.PollAsync(store, device, ("10.0.0.1", [22, 80]), ("10.0.0.2", [443]));
        device = (await store.FindDeviceAsync("lab", Cancel))!;

        var second = await StorePolls.PollAsync(store, device, ("10.0.0.1", [22]), ("10.0.0.2", [443, 8443]));

        var baseline = await store.LoadBaselineAsync(device, Cancel);
        Assert.True(baseline.Device.BaselineEstablished);
        Assert.Equal([22], baseline.Hosts["10.0.0.1"].OpenPorts.Select(p => p.Key.Port));
        var https = baseline.Hosts["10.0.0.2"].Ports[new PortKey(Protocol.Tcp, 8443)];
        Assert.Equal(("svc8443", "product", "daemon", "0.0.0.0"), (https.Service, https.Detail!.Product, https.Process!.Name, https.BindAddress!.ToString()));
        Assert.Equal("host-10.0.0.2", baseline.Hosts["10.0.0.2"].HostName);

        var stored = await store.QueryEventsAsync(new EventQuery { DeviceId = device.Id }, Cancel).ToListAsync(Cancel);
        Assert.Equal(["poll-completed", "port-closed", "port-opened", "poll-completed"], stored.Select(e => e.Type.ToWireName()));
        Assert.True(stored.Zip(stored.Skip(1)).All(pair => pair.First.Sequence < pair.Second.Sequence));
        var opened = stored.Single(e => e.Type == EventType.PortOpened);
        var original = second.Events.Single(e => e.Type == EventType.PortOpened);
        Assert.Equal(original with { Sequence = opened.Sequence, OccurredAt = opened.OccurredAt, RecordedAt = opened.RecordedAt, ChangedAfter = opened.ChangedAfter }, opened);
        Assert.Equal(original.OccurredAt.ToUnixTimeMilliseconds(), opened.OccurredAt.ToUnixTimeMilliseconds());

        var polls = await store.ListPollsAsync(device.Id, 10, Cancel);
        Assert.Equal(2, polls.Count);
        Assert.Equal(second.Poll.Id, polls[0].Id);
        Assert.Equal(2, polls[0].Counts.Changes);
        var summary = Assert.Single(await store.ListDevicesAsync(Cancel));
        Assert.Equal((2, 3L, 2), (summary.HostsUp, summary.OpenPorts, summary.Polls));
    }

    [Fact]
    public async Task A_large_poll_round_trips_every_port_and_event()
    {
        await using var store = await NewStoreAsync();
        var device = await store.SaveDeviceAsync("big", DeviceKind.Network, "10.9.0.0/24", Cancel);
        var hosts = Enumerable.Range(1, 30).Select(h => ($"10.9.0.{h}", Enumerable.Range(1, 1000).ToArray())).ToArray();
        await StorePolls.PollAsync(store, device, hosts);
        device = (await store.FindDeviceAsync("big", Cancel))!;

        // Every host closes ports 1-400: 12,000 removals and change events in one poll.
        var second = await StorePolls.PollAsync(store, device, [.. hosts.Select(h => (h.Item1, h.Item2[400..]))]);

        var baseline = await store.LoadBaselineAsync(device, Cancel);
        Assert.Equal(30, baseline.Hosts.Count);
        Assert.All(baseline.Hosts.Values, host => Assert.Equal(Enumerable.Range(401, 600), host.OpenPorts.Select(p => p.Key.Port).Order()));
        Assert.Equal(30 * 600L, baseline.OpenPortCount);
        var closed = await store.QueryEventsAsync(new EventQuery { Types = [EventType.PortClosed] }, Cancel).ToListAsync(Cancel);
        Assert.Equal(second.Events.Where(e => e.Type == EventType.PortClosed).Select(e => e.Id), closed.Select(e => e.Id));
        Assert.Equal(30 * 400, closed.Count);
    }

    [Fact]
    public async Task A_port_written_twice_in_one_poll_keeps_the_last_write()
    {
        await using var store = await NewStoreAsync();
        var device = await store.SaveDeviceAsync("lab", DeviceKind.Host, "10.0.0.1", Cancel);
        var at = DateTimeOffset.UtcNow;
        var host = new HostBaseline("10.0.0.1", Core.Scanning.HostState.Up) { FirstSeen = at, LastChanged = at };
        var first = new PortBaseline(new PortKey(Protocol.Tcp, 22), true) { Service = "first", FirstSeen = at, LastChanged = at };
        var poll = new PollRecord(Guid.CreateVersion7(at), device.Id, null, "connect", at, at, PollCounts.None, null);

        await store.RecordPollAsync(new PollResult(poll, new BaselineChanges([host, host with { HostName = "last" }], [("10.0.0.1", first), ("10.0.0.1", first with { Service = "last" })], []), [], true), Cancel);

        var stored = (await store.LoadBaselineAsync(device, Cancel)).Hosts["10.0.0.1"];
        Assert.Equal(("last", "last"), (stored.HostName, stored.Ports[new PortKey(Protocol.Tcp, 22)].Service));
    }

    [Fact]
    public async Task A_poll_that_fails_to_record_leaves_nothing_behind()
    {
        await using var store = await NewStoreAsync();
        var device = await store.SaveDeviceAsync("lab", DeviceKind.Host, "10.0.0.1", Cancel);
        var good = await StorePolls.PollAsync(store, device, ("10.0.0.1", [22]));
        device = (await store.FindDeviceAsync("lab", Cancel))!;
        var baseline = await store.LoadBaselineAsync(device, Cancel);

        // The same event id twice violates uniqueness half way through the transaction.
        var started = DateTimeOffset.UtcNow;
        var poll = good.Poll with { Id = Guid.CreateVersion7(started), StartedAt = started, FinishedAt = started };
        var duplicate = good.Events[0] with { Id = Guid.CreateVersion7(started), PollId = poll.Id };
        var broken = new PollResult(
            poll,
            new BaselineChanges([], [("10.0.0.1", new PortBaseline(new PortKey(Protocol.Tcp, 23), true) { FirstSeen = started, LastChanged = started })], []),
            [duplicate, duplicate],
            false);

        await Assert.ThrowsAnyAsync<Exception>(() => store.RecordPollAsync(broken, Cancel));

        Assert.Single(await store.ListPollsAsync(device.Id, 10, Cancel));
        Assert.Single(await store.QueryEventsAsync(new EventQuery(), Cancel).ToListAsync(Cancel));
        var after = await store.LoadBaselineAsync(device, Cancel);
        Assert.Equal(baseline.Hosts["10.0.0.1"].Ports.Keys, after.Hosts["10.0.0.1"].Ports.Keys);
    }

    [Fact]
    public async Task Event_queries_filter_and_page()
    {
        await using var store = await NewStoreAsync();
        var a = await store.SaveDeviceAsync("a", DeviceKind.Host, "10.0.0.1", Cancel);
        var b = await store.SaveDeviceAsync("b", DeviceKind.Host, "10.0.0.2", Cancel);
        await StorePolls.PollAsync(store, a, ("10.0.0.1", [22]));
        await StorePolls.PollAsync(store, b, ("10.0.0.2", [22]));

        // Stored instants have millisecond precision: keep the boundary clear of both polls.
        await Task.Delay(20, Cancel);
        var middle = DateTimeOffset.UtcNow;
        await Task.Delay(20, Cancel);
        a = (await store.FindDeviceAsync("a", Cancel))!;
        b = (await store.FindDeviceAsync("b", Cancel))!;
        await StorePolls.PollAsync(store, a, ("10.0.0.1", [22, 80, 443]));
        await StorePolls.PollAsync(store, b, ("10.0.0.2", []));

        async Task<List<string>> Query(EventQuery query) =>
            (await store.QueryEventsAsync(query, Cancel).ToListAsync(Cancel)).Select(e => $"{e.Device}:{e.Type.ToWireName()}{(e.Port is { } p ? $":{p}" : "")}").ToList();

        Assert.Equal(["a:poll-completed", "a:port-opened:80", "a:port-opened:443", "a:poll-completed"], await Query(new EventQuery { DeviceId = a.Id }));
        Assert.Equal(["a:port-opened:80", "a:port-opened:443", "b:port-closed:22"], await Query(new EventQuery { Types = [EventType.PortOpened, EventType.PortClosed] }));
        Assert.Equal(["b:port-closed:22"], await Query(new EventQuery { Classification = Classification.Unplanned, Host = "10.0.0.2" }));
        Assert.Equal(["a:port-opened:443"], await Query(new EventQuery { Port = new PortKey(Protocol.Tcp, 443) }));
        Assert.Equal(["a:poll-completed", "b:poll-completed"], await Query(new EventQuery { Until = middle }));
        Assert.Equal(5, (await Query(new EventQuery { Since = middle })).Count);

        var page = await store.QueryEventsAsync(new EventQuery { Limit = 3 }, Cancel).ToListAsync(Cancel);
        var rest = await store.QueryEventsAsync(new EventQuery { AfterSequence = page[^1].Sequence }, Cancel).ToListAsync(Cancel);
        Assert.Equal(3, page.Count);
        Assert.Equal(4, rest.Count);
        Assert.Empty(page.Select(e => e.Id).Intersect(rest.Select(e => e.Id)));
    }

    [Fact]
    public async Task Change_windows_are_listed_for_their_device_and_removed_without_losing_history()
    {
        await using var store = await NewStoreAsync();
        var a = await store.SaveDeviceAsync("a", DeviceKind.Host, "10.0.0.1", Cancel);
        var b = await store.SaveDeviceAsync("b", DeviceKind.Host, "10.0.0.2", Cancel);
        var now = DateTimeOffset.UtcNow;
        var forA = await store.AddChangeWindowAsync(new ChangeWindow(0, a.Id, "10.0.0.1", "T:80", null, now, now.AddHours(1), "CHG-1", "web"), Cancel);
        var forAll = await store.AddChangeWindowAsync(new ChangeWindow(0, null, null, null, null, now, now.AddHours(2), "CHG-2", null), Cancel);
        await store.AddChangeWindowAsync(new ChangeWindow(0, b.Id, null, null, null, now, now.AddHours(3), "CHG-3", null), Cancel);

        var listed = await store.ListChangeWindowsAsync(a.Id, Cancel);

        Assert.Equal([forA.Id, forAll.Id], listed.Select(w => w.Id));
        Assert.Equal(("a", "T:80", "CHG-1"), (listed[0].DeviceName, listed[0].Ports, listed[0].Reference));
        Assert.Equal(now.ToUnixTimeMilliseconds(), listed[0].From.ToUnixTimeMilliseconds());
        Assert.Equal(3, (await store.ListChangeWindowsAsync(null, Cancel)).Count);
        Assert.True(await store.RemoveChangeWindowAsync(forA.Id, Cancel));
        Assert.False(await store.RemoveChangeWindowAsync(forA.Id, Cancel));
        Assert.False(await store.RemoveChangeWindowAsync(999, Cancel));
        Assert.Equal([forAll.Id], (await store.ListChangeWindowsAsync(a.Id, Cancel)).Select(w => w.Id));
    }

    [Fact]
    public async Task Change_windows_are_updated_in_place_until_removed()
    {
        await using var store = await NewStoreAsync();
        var a = await store.SaveDeviceAsync("a", DeviceKind.Host, "10.0.0.1", Cancel);
        var now = DateTimeOffset.UtcNow;
        var window = await store.AddChangeWindowAsync(new ChangeWindow(0, a.Id, null, "T:80", null, now, now.AddHours(1), "CHG-1", null), Cancel);

        var changed = window with { DeviceId = null, Targets = "10.0.0.0/24", Ports = "T:443", To = now.AddHours(5), Reference = "CHG-2", Description = "moved" };
        Assert.True(await store.UpdateChangeWindowAsync(changed, Cancel));

        var listed = Assert.Single(await store.ListChangeWindowsAsync(null, Cancel));
        Assert.Equal((window.Id, (long?)null, "10.0.0.0/24", "T:443", "CHG-2", "moved"), (listed.Id, listed.DeviceId, listed.Targets, listed.Ports, listed.Reference, listed.Description));
        Assert.Equal(now.AddHours(5).ToUnixTimeMilliseconds(), listed.To.ToUnixTimeMilliseconds());
        Assert.False(await store.UpdateChangeWindowAsync(changed with { Id = 999 }, Cancel));
        Assert.True(await store.RemoveChangeWindowAsync(window.Id, Cancel));
        Assert.False(await store.UpdateChangeWindowAsync(changed, Cancel));
    }

    [Fact]
    public async Task Event_queries_list_newest_first_page_backwards_and_find_what_a_window_covered()
    {
        await using var store = await NewStoreAsync();
        var device = await store.SaveDeviceAsync("a", DeviceKind.Host, "10.0.0.1", Cancel);
        await StorePolls.PollAsync(store, device, ("10.0.0.1", [22]));
        var now = DateTimeOffset.UtcNow;
        var window = await store.AddChangeWindowAsync(new ChangeWindow(0, device.Id, null, "T:80", null, now.AddHours(-1), now.AddHours(1), "CHG-7", null), Cancel);
        device = (await store.FindDeviceAsync("a", Cancel))!;
        await StorePolls.PollAsync(store, device, ("10.0.0.1", [22, 80, 443]));

        var newest = await store.QueryEventsAsync(new EventQuery { NewestFirst = true, Limit = 2 }, Cancel).ToListAsync(Cancel);
        var older = await store.QueryEventsAsync(new EventQuery { NewestFirst = true, BeforeSequence = newest[^1].Sequence }, Cancel).ToListAsync(Cancel);
        var covered = await store.QueryEventsAsync(new EventQuery { WindowId = window.Id }, Cancel).ToListAsync(Cancel);

        var all = await store.QueryEventsAsync(new EventQuery(), Cancel).ToListAsync(Cancel);
        Assert.Equal(all.Select(e => e.Sequence).Reverse(), newest.Concat(older).Select(e => e.Sequence));
        var planned = Assert.Single(covered);
        Assert.Equal((80, Classification.Planned, "CHG-7"), (planned.Port, planned.Classification, planned.Reference));
        Assert.Empty(await store.QueryEventsAsync(new EventQuery { WindowId = window.Id + 1 }, Cancel).ToListAsync(Cancel));
    }

    [Fact]
    public async Task A_device_lease_is_held_by_one_owner_until_released_or_expired()
    {
        await using var store = await NewStoreAsync();
        var device = await store.SaveDeviceAsync("lab", DeviceKind.Host, "10.0.0.1", Cancel);
        var now = DateTimeOffset.UtcNow;

        Assert.True(await store.TryAcquireLeaseAsync(device.Id, "one", now, now.AddMinutes(1), null, Cancel));
        Assert.False(await store.TryAcquireLeaseAsync(device.Id, "two", now, now.AddMinutes(1), null, Cancel));
        Assert.True(await store.TryAcquireLeaseAsync(device.Id, "one", now, now.AddMinutes(2), null, Cancel));
        Assert.Equal("one", (await store.ReadLeaseAsync(device.Id, Cancel))!.Owner);
        Assert.True(await store.TryAcquireLeaseAsync(device.Id, "two", now, now.AddMinutes(1), takeOverFrom: "one", Cancel));
        Assert.True(await store.TryAcquireLeaseAsync(device.Id, "three", now.AddMinutes(5), now.AddMinutes(6), null, Cancel));
        await store.ReleaseLeaseAsync(device.Id, "two", Cancel);
        Assert.Equal("three", (await store.ReadLeaseAsync(device.Id, Cancel))!.Owner);
        await store.ReleaseLeaseAsync(device.Id, "three", Cancel);
        Assert.Null(await store.ReadLeaseAsync(device.Id, Cancel));
    }

    [Fact]
    public async Task Polls_of_different_devices_can_be_recorded_at_the_same_time()
    {
        await using var store = await NewStoreAsync();
        var devices = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => store.SaveDeviceAsync($"d{i}", DeviceKind.Host, $"10.0.1.{i}", Cancel)));

        await Task.WhenAll(devices.Select((device, i) => Task.Run(async () =>
        {
            for (var poll = 0; poll < 5; poll++)
            {
                var current = (await store.FindDeviceAsync(device.Name, Cancel))!;
                await StorePolls.PollAsync(store, current, ($"10.0.1.{i}", [.. Enumerable.Range(1, poll + 1)]));
            }
        }, Cancel)));

        var summaries = await store.ListDevicesAsync(Cancel);
        Assert.All(summaries, summary => Assert.Equal((5, 5L), (summary.Polls, summary.OpenPorts)));
        Assert.Equal(8 * (5 + 4), await store.QueryEventsAsync(new EventQuery(), Cancel).CountAsync(Cancel));
    }
}
