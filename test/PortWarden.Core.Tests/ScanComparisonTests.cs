using System.Net;
using PortWarden.Core.Comparison;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;
using PortWarden.Core.Targets;

namespace PortWarden.Core.Tests;

public sealed class ScanComparisonTests
{
    private static readonly ScanTarget A = new(IPAddress.Parse("192.0.2.1"));
    private static readonly ScanTarget B = new(IPAddress.Parse("192.0.2.2"));
    private static readonly ScanTarget C = new(IPAddress.Parse("192.0.2.3"));

    [Fact]
    public async Task Identical_scans_are_equal()
    {
        var scan = new ScanRecord[] { Open(A, 22), Closed(A, 23), Up(A, new PortCounts(1, 1, 0)), Down(B) };

        var difference = await CompareAsync(scan, scan);

        Assert.True(difference.Equal);
        Assert.Equal(2, difference.Counts.HostsCompared);
    }

    [Fact]
    public async Task Opened_closed_and_state_changes_are_found_with_both_states()
    {
        var old = new ScanRecord[] { Open(A, 22), Closed(A, 80), Port(A, 81, PortState.Closed), Up(A, new PortCounts(1, 98, 1)), Port(A, 443, PortState.Filtered) };
        var current = new ScanRecord[] { Closed(A, 22), Open(A, 80), Port(A, 81, PortState.Filtered), Up(A, new PortCounts(1, 98, 1)) };

        var host = Assert.Single((await CompareAsync(old, current)).Hosts);

        Assert.Equal(HostChange.Changed, host.Change);
        Assert.Equal(
            [(22, PortChange.Closed, PortState.Open, PortState.Closed), (80, PortChange.Opened, PortState.Closed, PortState.Open), (81, PortChange.StateChanged, PortState.Closed, PortState.Filtered)],
            host.Ports.Select(p => (p.Key.Port, p.Change, p.OldState, p.NewState)));
    }

    [Fact]
    public async Task An_unlisted_port_takes_the_one_state_the_counts_leave_or_stays_unknown()
    {
        // New scan lists only open ports and counts 99 closed: port 22 is closed. With filtered ports counted too, it is unknown.
        var old = new ScanRecord[] { Open(A, 22), Up(A, new PortCounts(1, 99, 0)), Open(B, 22), Up(B, new PortCounts(1, 49, 50)) };
        var current = new ScanRecord[] { Up(A, new PortCounts(0, 100, 0)), Up(B, new PortCounts(0, 50, 50)) };

        var hosts = (await CompareAsync(old, current)).Hosts;

        Assert.Equal((PortChange.Closed, PortState.Closed), (hosts[0].Ports[0].Change, hosts[0].Ports[0].NewState));
        Assert.Equal((PortChange.Closed, (PortState?)null), (hosts[1].Ports[0].Change, hosts[1].Ports[0].NewState));
    }

    [Fact]
    public async Task Not_open_ports_of_unknown_state_are_not_state_changes()
    {
        var old = new ScanRecord[] { Port(A, 81, PortState.Filtered), Up(A, new PortCounts(0, 50, 50)) };
        var current = new ScanRecord[] { Up(A, new PortCounts(0, 50, 50)) };

        Assert.True((await CompareAsync(old, current)).Equal);
    }

    [Fact]
    public async Task Service_changes_count_only_when_both_scans_identified_services()
    {
        var old = new ScanRecord[] { Open(A, 22) with { Service = "ssh", Detail = new ServiceDetail("OpenSSH", "9.2p1") }, Up(A, new PortCounts(1, 0, 0)) };
        var current = new ScanRecord[] { Open(A, 22) with { Service = "ssh", Detail = new ServiceDetail("OpenSSH", "9.3p1") }, Up(A, new PortCounts(1, 0, 0)) };
        var withoutDetection = new ScanRecord[] { Open(A, 22) with { Service = "ssh" }, Up(A, new PortCounts(1, 0, 0)) };

        var changed = await CompareAsync(old, current, identified: (true, true));
        var unknown = await CompareAsync(old, withoutDetection, identified: (true, false));

        var port = Assert.Single(Assert.Single(changed.Hosts).Ports);
        Assert.Equal((PortChange.ServiceChanged, "9.2p1", "9.3p1"), (port.Change, port.Old?.Detail?.Version, port.New?.Detail?.Version));
        Assert.Equal(1, changed.Counts.ServiceChanges);
        Assert.True(unknown.Equal);
    }

    [Fact]
    public async Task Hosts_added_removed_up_and_down_carry_their_open_ports()
    {
        var old = new ScanRecord[] { Open(A, 22), Up(A, new PortCounts(1, 0, 0)), Down(B), Open(C, 80), Up(C, new PortCounts(1, 0, 0)) };
        var current = new ScanRecord[] { Open(B, 443), Up(B, new PortCounts(1, 0, 0)), Down(C), Open(new ScanTarget(IPAddress.Parse("192.0.2.4")), 25), Up(new ScanTarget(IPAddress.Parse("192.0.2.4")), new PortCounts(1, 0, 0)) };

        var difference = await CompareAsync(old, current);

        Assert.Equal(
            [("192.0.2.1", HostChange.Removed, PortChange.Vanished, 22), ("192.0.2.2", HostChange.WentUp, PortChange.Appeared, 443),
                ("192.0.2.3", HostChange.WentDown, PortChange.Vanished, 80), ("192.0.2.4", HostChange.Added, PortChange.Appeared, 25)],
            difference.Hosts.Select(h => (h.Address.ToString(), h.Change, h.Ports.Single().Change, h.Ports.Single().Key.Port)));
        Assert.Equal((1, 1, 1, 1), (difference.Counts.HostsAdded, difference.Counts.HostsRemoved, difference.Counts.HostsWentUp, difference.Counts.HostsWentDown));
        Assert.Equal(0, difference.Counts.PortsClosed);
    }

    [Fact]
    public async Task A_new_mac_address_is_a_change_but_a_name_known_to_one_scan_only_is_not()
    {
        var old = new ScanRecord[] { Up(A, PortCounts.None) with { MacAddress = "02:00:00:00:00:01" }, Up(B, PortCounts.None) };
        var current = new ScanRecord[] { Up(A, PortCounts.None) with { MacAddress = "02:00:00:00:00:02" }, Up(B with { HostName = "web" }, PortCounts.None) };

        var host = Assert.Single((await CompareAsync(old, current)).Hosts);

        Assert.Equal(new AttributeDifference("mac", "02:00:00:00:00:01", "02:00:00:00:00:02"), Assert.Single(host.Attributes));
    }

    [Fact]
    public async Task Ports_one_scan_did_not_cover_are_not_compared()
    {
        var old = new ScanRecord[] { Open(A, 22), Up(A, new PortCounts(1, 0, 0)) };
        var current = new ScanRecord[] { Open(A, 22), Open(A, 8080), Up(A, new PortCounts(2, 0, 0)) };

        var difference = await CompareAsync(old, current, oldTcp: PortSet.Of([22]));

        // An open port one scan did not cover is named "not scanned", never counted as equal.
        Assert.Equal(1, difference.Counts.PortsNotScanned);
        Assert.True(difference.Partial);
        Assert.Equal(PortChange.NotScanned, Assert.Single(Assert.Single(difference.Hosts).Ports).Change);
    }

    [Fact]
    public async Task Hosts_missing_from_a_cut_off_file_are_not_called_removed()
    {
        var old = new ScanRecord[] { Up(A, PortCounts.None), Up(B, PortCounts.None) };
        var current = new ScanRecord[] { Up(A, PortCounts.None) };

        var difference = await CompareAsync(old, current, newTruncated: true);

        Assert.True(difference.Equal);
        Assert.True(difference.Partial);
        Assert.Equal(1, difference.Counts.HostsNotCompared);
    }

    [Fact]
    public async Task Observations_of_a_host_without_a_report_are_left_out()
    {
        var snapshot = await ScanSnapshot.CollectAsync(Records(Open(A, 22), Up(A, new PortCounts(1, 0, 0)), Open(B, 80)), () => new ScanSource("x", "test"), TestContext.Current.CancellationToken);

        Assert.Equal([A.Address], snapshot.Hosts.Keys);
    }

    private static Observation Port(ScanTarget target, int port, PortState state) => new(target, Protocol.Tcp, port, state, "test");

    private static Observation Open(ScanTarget target, int port) => Port(target, port, PortState.Open);

    private static Observation Closed(ScanTarget target, int port) => Port(target, port, PortState.Closed);

    private static HostReport Up(ScanTarget target, PortCounts counts) => new(target, HostState.Up, "test", counts);

    private static HostReport Down(ScanTarget target) => new(target, HostState.Down, "no-response", PortCounts.None);

    private static async Task<ScanDifference> CompareAsync(
        IEnumerable<ScanRecord> old, IEnumerable<ScanRecord> current, (bool Old, bool New) identified = default,
        PortSet? oldTcp = null, bool newTruncated = false)
    {
        var cancel = TestContext.Current.CancellationToken;
        var before = await ScanSnapshot.CollectAsync(Records([.. old]), () => new ScanSource("old", "test") { IdentifiedServices = identified.Old, TcpPorts = oldTcp }, cancel);
        var after = await ScanSnapshot.CollectAsync(Records([.. current]), () => new ScanSource("new", "test") { IdentifiedServices = identified.New, Truncated = newTruncated }, cancel);
        return ScanComparison.Compare(before, after);
    }

    private static async IAsyncEnumerable<ScanRecord> Records(params ScanRecord[] records)
    {
        foreach (var record in records)
        {
            yield return record;
        }

        await Task.CompletedTask;
    }
}
