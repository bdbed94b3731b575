using System.Net;
using System.Text.Json;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;
using PortWarden.Core.Targets;
using PortWarden.Core.Tracking;
using static PortWarden.Core.Tests.Tracking.DiffHarness;

namespace PortWarden.Core.Tests.Tracking;

/// <summary>The rules that keep the log true on every path: coverage, outcome, order (see <see cref="PollDiff"/>).</summary>
public sealed class PollTruthTests
{
    [Fact]
    public void A_failed_first_poll_establishes_nothing_and_the_next_good_poll_is_the_baseline()
    {
        var lab = new DiffHarness();

        var failed = lab.Poll("nmap exited with code 1", null);
        var good = lab.Poll(Up("10.0.0.1", 22, 8090));

        Assert.Equal(PollOutcome.Failed, failed.Poll.Outcome);
        Assert.False(failed.Poll.Decided);
        Assert.False(failed.EstablishesBaseline);
        Assert.Equal(BaselineChanges.None, failed.Changes);
        Assert.Equal(EventType.PollCompleted, Assert.Single(failed.Events).Type);
        Assert.True(good.EstablishesBaseline);
        Assert.Empty(good.ChangeEvents);
    }

    [Fact]
    public void Hosts_a_partial_first_poll_did_not_decide_join_the_baseline_quietly_later()
    {
        var lab = new DiffHarness();
        var partial = lab.Poll("shard 2 failed", null, Up("10.0.0.1", 22), Down("10.0.0.2"));

        var next = lab.Poll(Up("10.0.0.1", 22), Up("10.0.0.2", 80), Up("10.0.0.3", 443));

        Assert.Equal(PollOutcome.Partial, partial.Poll.Outcome);
        Assert.Equal("10.0.0.1-10.0.0.2", partial.Changes.Decided!.ToString());
        // 10.0.0.2 was decided down, so it came up; 10.0.0.3 was never decided, so it is new to the baseline, not a change.
        Assert.Equal(["host-up 10.0.0.2", "port-opened 10.0.0.2 80"], next.ChangeEvents.Select(Describe));
        Assert.True(lab.Baseline.Hosts["10.0.0.3"].Ports.ContainsKey(new PortKey(Protocol.Tcp, 443)));
    }

    [Fact]
    public void A_poll_older_than_the_newest_applied_one_is_history_and_changes_nothing()
    {
        var lab = new DiffHarness();
        var early = lab.Time.GetUtcNow();
        lab.Poll(Up("10.0.0.1", 22));
        lab.Poll(Up("10.0.0.1", 22, 80));

        var late = lab.Poll(null, early + TimeSpan.FromMinutes(5), Up("10.0.0.1"));

        Assert.False(late.Poll.Applied);
        Assert.Empty(late.ChangeEvents);
        Assert.Equal(BaselineChanges.None, late.Changes);
        Assert.True(lab.Baseline.Hosts["10.0.0.1"].Ports[new PortKey(Protocol.Tcp, 80)].Open);
        using var payload = JsonDocument.Parse(late.Events.Single(e => e.Type == EventType.PollCompleted).Payload!);
        Assert.False(payload.RootElement.GetProperty("applied").GetBoolean());
        Assert.Contains("history", payload.RootElement.GetProperty("note").GetString(), StringComparison.Ordinal);
        Assert.Equal("complete", payload.RootElement.GetProperty("outcome").GetString());
    }

    [Fact]
    public void Undecided_ports_make_a_poll_partial_and_keep_their_state()
    {
        var lab = new DiffHarness();
        lab.Poll(Up("10.0.0.1", 22, 80));

        var partial = lab.Poll(Up("10.0.0.1", 22) with { Undecided = [new PortKey(Protocol.Tcp, 80)] });

        Assert.Equal(PollOutcome.Partial, partial.Poll.Outcome);
        Assert.Empty(partial.ChangeEvents);
    }

    [Fact]
    public void On_a_self_scan_device_bind_addresses_are_not_hosts_that_come_and_go()
    {
        var lab = new DiffHarness(kind: DeviceKind.Self);
        lab.Poll(Up("0.0.0.0", 22), Up("127.0.0.1"));

        var second = lab.Poll(Up("0.0.0.0", 22), Up("127.0.0.1"), Up("10.0.0.7"), Up("10.0.0.8", 843));

        var third = lab.Poll(Up("0.0.0.0", 22), Up("127.0.0.1"));

        // A new interface address is no host-up; a socket bound to it is a port that opened, and closed with its address.
        Assert.Equal(["port-opened 10.0.0.8 843"], second.ChangeEvents.Select(Describe));
        Assert.Equal(["port-closed 10.0.0.8 843"], third.ChangeEvents.Select(Describe));
    }

    [Fact]
    public void Address_ranges_merge_and_read_back()
    {
        var builder = new AddressRanges.Builder();
        foreach (var address in new[] { "10.0.0.3", "10.0.0.1", "10.0.0.2", "10.0.0.9", "::1", "fd00::2", "fd00::1" })
        {
            builder.Add(IPAddress.Parse(address));
        }

        var ranges = builder.Build();
        var text = ranges.ToString();

        Assert.Equal("10.0.0.1-10.0.0.3,10.0.0.9,::1,fd00::1-fd00::2", text);
        Assert.Equal(text, AddressRanges.Parse(text).ToString());
        Assert.True(ranges.Contains(IPAddress.Parse("10.0.0.2")));
        Assert.False(ranges.Contains(IPAddress.Parse("10.0.0.4")));
        Assert.True(ranges.Contains(IPAddress.Parse("fd00::2")));
        Assert.Equal("10.0.0.1-10.0.0.9,::1,fd00::1-fd00::2", ranges.Union(AddressRanges.Parse("10.0.0.4-10.0.0.8")).ToString());
        Assert.Throws<FormatException>(() => AddressRanges.Parse("10.0.0.1-fd00::1"));
    }

    private static string Describe(TrackEvent change) =>
        change.Port is { } port ? $"{change.Type.ToWireName()} {change.Host} {port}" : $"{change.Type.ToWireName()} {change.Host}";
}
