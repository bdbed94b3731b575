using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;
using PortWarden.Core.Tracking;
using static PortWarden.Core.Tests.Tracking.DiffHarness;

namespace PortWarden.Core.Tests.Tracking;

public sealed class PollDiffTests
{
    private static readonly PortKey Ssh = new(Protocol.Tcp, 22);
    private static readonly PortKey Web = new(Protocol.Tcp, 80);

    [Fact]
    public void The_first_poll_records_the_baseline_without_change_events()
    {
        var lab = new DiffHarness();

        var first = lab.Poll(Up("10.0.0.1", 22, 80), Up("10.0.0.2", 443), Down("10.0.0.3"));

        Assert.True(first.EstablishesBaseline);
        Assert.Empty(first.ChangeEvents);
        Assert.Equal(EventType.PollCompleted, Assert.Single(first.Events).Type);
        Assert.Equal([Ssh, Web], lab.Baseline.Hosts["10.0.0.1"].OpenPorts.Select(p => p.Key).Order());
        Assert.False(lab.Baseline.Hosts.ContainsKey("10.0.0.3"));
        Assert.Equal(new PollCounts(3, 2, 1, 3 * 2048, 3, 0, 0, 0), first.Poll.Counts);
    }

    [Fact]
    public void A_port_that_opens_gives_exactly_one_port_opened_event()
    {
        var lab = new DiffHarness();
        lab.Poll(Up("10.0.0.1", 22));

        var second = lab.Poll(Up("10.0.0.1", 22, 8080));

        var change = Assert.Single(second.ChangeEvents);
        Assert.Equal(EventType.PortOpened, change.Type);
        Assert.Equal(("10.0.0.1", Protocol.Tcp, 8080), (change.Host, change.Protocol!.Value, change.Port!.Value));
        Assert.Equal(("closed", "open"), (change.OldState, change.NewState));
        Assert.Equal(Classification.Unplanned, change.Classification);
        Assert.True(change.ChangedAfter < change.OccurredAt);
        Assert.Empty(lab.Poll(Up("10.0.0.1", 22, 8080)).ChangeEvents);
    }

    [Fact]
    public void A_port_that_closes_gives_one_port_closed_event_with_the_state_seen()
    {
        var lab = new DiffHarness();
        lab.Poll(Up("10.0.0.1", 22, 80));

        var filteredNow = Up("10.0.0.1", 22).With(new Observation(new(System.Net.IPAddress.Any), Protocol.Tcp, 80, PortState.Filtered, Reasons.NoResponse));
        var second = lab.Poll(filteredNow);

        var change = Assert.Single(second.ChangeEvents);
        Assert.Equal((EventType.PortClosed, 80, "filtered"), (change.Type, change.Port!.Value, change.NewState));
        Assert.Equal([Ssh], lab.Baseline.Hosts["10.0.0.1"].OpenPorts.Select(p => p.Key));
    }

    [Fact]
    public void Ports_a_poll_did_not_request_or_could_not_decide_keep_their_state()
    {
        var lab = new DiffHarness();
        lab.Poll(Up("10.0.0.1", 22, 80, 8080));
        lab.Tcp = PortSpec.Parse("1-1000").For(Protocol.Tcp);

        var second = lab.Poll(Up("10.0.0.1", 22) with { Undecided = [Web] });

        Assert.Empty(second.ChangeEvents);
        Assert.Equal(3, lab.Baseline.Hosts["10.0.0.1"].OpenPorts.Count());
    }

    [Fact]
    public void A_host_without_a_report_is_undecided_and_changes_nothing()
    {
        var lab = new DiffHarness();
        lab.Poll(Up("10.0.0.1", 22), Up("10.0.0.2", 80));

        var second = lab.Poll(Up("10.0.0.1", 22));

        Assert.Empty(second.ChangeEvents);
        Assert.Single(lab.Baseline.Hosts["10.0.0.2"].OpenPorts);
    }

    [Fact]
    public void A_host_that_disappears_gives_one_host_down_and_no_port_closed()
    {
        var lab = new DiffHarness();
        lab.Poll(Up("10.0.0.1", 22, 80, 443));

        var second = lab.Poll(Down("10.0.0.1"));

        var change = Assert.Single(second.ChangeEvents);
        Assert.Equal((EventType.HostDown, "up", "down"), (change.Type, change.OldState, change.NewState));
        Assert.Equal(HostState.Down, lab.Baseline.Hosts["10.0.0.1"].State);

        var back = lab.Poll(Up("10.0.0.1", 22, 80, 443));
        Assert.Equal(EventType.HostUp, Assert.Single(back.ChangeEvents).Type);
    }

    [Fact]
    public void A_new_host_gives_host_up_and_its_open_ports()
    {
        var lab = new DiffHarness();
        lab.Poll(Up("10.0.0.1", 22), Down("10.0.0.9"));

        var second = lab.Poll(Up("10.0.0.1", 22), Up("10.0.0.9", 80, 443));

        Assert.Equal(
            ["host-up", "port-opened 80", "port-opened 443"],
            second.ChangeEvents.Select(e => e.Port is { } port ? $"{e.Type.ToWireName()} {port}" : e.Type.ToWireName()));
    }

    [Fact]
    public void A_different_service_or_program_gives_service_changed_but_a_new_pid_does_not()
    {
        var lab = new DiffHarness();
        var nginx = new OwningProcess(100, "nginx", "/usr/sbin/nginx", "www-data");
        lab.Poll(Up("10.0.0.1").With(Open(Protocol.Tcp, 8080, "http-proxy", nginx)));

        var restarted = lab.Poll(Up("10.0.0.1").With(Open(Protocol.Tcp, 8080, "http-proxy", nginx with { Pid = 200 })));
        var replaced = lab.Poll(Up("10.0.0.1").With(Open(Protocol.Tcp, 8080, "http-proxy", new OwningProcess(300, "python3", "/usr/bin/python3", "me"))));
        var upgraded = lab.Poll(Up("10.0.0.1").With(Open(Protocol.Tcp, 8080, "http-proxy", new OwningProcess(300, "python3", "/usr/bin/python3", "me"), new ServiceDetail("nginx", "1.25"))));

        Assert.Empty(restarted.ChangeEvents);
        var change = Assert.Single(replaced.ChangeEvents);
        Assert.Equal(EventType.ServiceChanged, change.Type);
        Assert.Equal(("nginx", "python3"), (change.OldProcess!.Name, change.Process!.Name));
        Assert.Equal(EventType.ServiceChanged, Assert.Single(upgraded.ChangeEvents).Type);
    }

    [Fact]
    public void With_confirm_2_a_flapping_port_gives_no_events_until_it_is_stable()
    {
        var lab = new DiffHarness(new TrackingPolicy(ConfirmPolls: 2));
        lab.Poll(Up("10.0.0.1", 22));
        var firstSighting = lab.Time.GetUtcNow();

        var polls = new[]
        {
            lab.Poll(Up("10.0.0.1", 22, 900)),
            lab.Poll(Up("10.0.0.1", 22)),
            lab.Poll(Up("10.0.0.1", 22, 900)),
            lab.Poll(Up("10.0.0.1", 22)),
        };
        Assert.All(polls, poll => Assert.Empty(poll.ChangeEvents));

        var seen = lab.Time.GetUtcNow();
        Assert.Empty(lab.Poll(Up("10.0.0.1", 22, 900)).ChangeEvents);
        var confirmed = Assert.Single(lab.Poll(Up("10.0.0.1", 22, 900)).ChangeEvents);

        Assert.Equal(EventType.PortOpened, confirmed.Type);
        Assert.True(confirmed.OccurredAt > seen && confirmed.OccurredAt < seen + TimeSpan.FromMinutes(1), "dated at the first sighting of the stable state");
        Assert.True(confirmed.OccurredAt > firstSighting);
    }

    [Fact]
    public void Silence_on_a_udp_port_does_not_close_it()
    {
        var lab = new DiffHarness();
        lab.Poll(Up("10.0.0.1").With(Open(Protocol.Udp, 53, "domain")));

        var silent = lab.Poll(Up("10.0.0.1").With(new Observation(new(System.Net.IPAddress.Any), Protocol.Udp, 53, PortState.OpenFiltered, Reasons.NoResponse)));
        var refused = lab.Poll(Up("10.0.0.1").With(new Observation(new(System.Net.IPAddress.Any), Protocol.Udp, 53, PortState.Closed, Reasons.PortUnreachable)));

        Assert.Empty(silent.ChangeEvents);
        Assert.Equal(EventType.PortClosed, Assert.Single(refused.ChangeEvents).Type);
    }

    [Fact]
    public void A_window_covering_the_change_makes_it_planned_with_its_reference()
    {
        var lab = new DiffHarness();
        lab.Poll(Up("10.0.0.1", 22));
        var now = lab.Time.GetUtcNow();
        lab.AddWindow(new ChangeWindow(3, 7, "10.0.0.0/24", "T:8000-8100", null, now - TimeSpan.FromMinutes(1), now + TimeSpan.FromMinutes(5), "CHG-42", "new app"));

        var second = lab.Poll(Up("10.0.0.1", 22, 8080, 9090));

        var planned = second.ChangeEvents.Single(e => e.Port == 8080);
        Assert.Equal((Classification.Planned, 3L, "CHG-42"), (planned.Classification!.Value, planned.WindowId!.Value, planned.Reference));
        Assert.Equal(Classification.Unplanned, second.ChangeEvents.Single(e => e.Port == 9090).Classification);
    }

    [Fact]
    public void A_change_detected_after_the_window_ended_is_planned_when_it_may_have_happened_inside_it()
    {
        var lab = new DiffHarness();
        var previousPoll = lab.Time.GetUtcNow();
        lab.Poll(Up("10.0.0.1", 22));
        lab.AddWindow(new ChangeWindow(1, null, null, null, null, previousPoll + TimeSpan.FromMinutes(2), previousPoll + TimeSpan.FromMinutes(4), "CHG-1", null));
        Assert.True(lab.Time.GetUtcNow() > previousPoll + TimeSpan.FromMinutes(4), "the next poll runs after the window has closed");

        var change = Assert.Single(lab.Poll(Up("10.0.0.1", 22, 443)).ChangeEvents);

        Assert.Equal(Classification.Planned, change.Classification);
    }

    [Fact]
    public void Windows_of_other_devices_other_hosts_or_other_times_do_not_apply()
    {
        var lab = new DiffHarness();
        lab.Poll(Up("10.0.0.1", 22), Down("10.0.0.5"));
        var now = lab.Time.GetUtcNow();
        lab.AddWindow(new ChangeWindow(1, 99, null, null, null, now - TimeSpan.FromHours(1), now + TimeSpan.FromHours(1), null, null));
        lab.AddWindow(new ChangeWindow(2, 7, "10.0.0.2", null, null, now - TimeSpan.FromHours(1), now + TimeSpan.FromHours(1), null, null));
        lab.AddWindow(new ChangeWindow(3, 7, null, null, null, now + TimeSpan.FromHours(1), now + TimeSpan.FromHours(2), null, null));
        lab.AddWindow(new ChangeWindow(4, 7, null, "22", null, now - TimeSpan.FromHours(1), now + TimeSpan.FromHours(1), null, null));

        var second = lab.Poll(Up("10.0.0.1", 22, 80), Up("10.0.0.5", 22));

        Assert.All(second.ChangeEvents.Where(e => e.Port != 22), e => Assert.Equal(Classification.Unplanned, e.Classification));
        Assert.Equal(4L, second.ChangeEvents.Single(e => e.Port == 22).WindowId);
        Assert.Equal(Classification.Unplanned, second.ChangeEvents.Single(e => e.Type == EventType.HostUp).Classification);
    }

    [Fact]
    public void Baseline_events_carry_the_full_state_after_the_poll()
    {
        var lab = new DiffHarness(new TrackingPolicy(SendBaselineEvents: true));
        lab.Poll(Up("10.0.0.1", 22));

        var second = lab.Poll(Up("10.0.0.1", 22, 80), Up("10.0.0.2", 443));

        var baseline = second.Events.Single(e => e.Type == EventType.Baseline);
        using var json = System.Text.Json.JsonDocument.Parse(baseline.Payload!);
        var hosts = json.RootElement.GetProperty("hosts").EnumerateArray().ToList();
        Assert.Equal(["10.0.0.1", "10.0.0.2"], hosts.Select(h => h.GetProperty("address").GetString()));
        Assert.Equal([22, 80], hosts[0].GetProperty("ports").EnumerateArray().Select(p => p.GetProperty("port").GetInt32()));
        Assert.Equal(EventType.PollCompleted, second.Events[^1].Type);
    }

    [Fact]
    public void A_million_observations_are_compared_with_bounded_memory_per_host()
    {
        // 4,000 hosts x 250 open ports: the same baseline twice, then one port more on every host.
        var lab = new DiffHarness();
        lab.Tcp = PortSpec.Parse("1-300").For(Protocol.Tcp);
        var hosts = Enumerable.Range(0, 4000).Select(i => Up($"10.{i / 250}.{i % 250}.1", [.. Enumerable.Range(1, 250)])).ToArray();
        lab.Poll(hosts);

        var same = lab.Poll(hosts);
        var more = lab.Poll(hosts.Select(h => h.With(Open(Protocol.Tcp, 299))).ToArray());

        Assert.Empty(same.ChangeEvents);
        Assert.Equal(4000, more.ChangeEvents.Count());
        Assert.Equal(4000L * 251, lab.Baseline.OpenPortCount);
    }
}
