using PortWarden.Core.Scanning;
using PortWarden.Core.Targets;

namespace PortWarden.Core.Comparison;

/// <summary>
/// Compares two scans host by host and port by port, claiming only what both scans support: a port one scan
/// did not cover is not compared, a host that is down has unknown (not closed) ports, service versions are
/// compared only when both scans identified services, and a host missing from a cut-off file is not "removed".
/// </summary>
public static class ScanComparison
{
    public static ScanDifference Compare(ScanSnapshot old, ScanSnapshot current)
    {
        ArgumentNullException.ThrowIfNull(old);
        ArgumentNullException.ThrowIfNull(current);
        var compareServices = old.Source.IdentifiedServices && current.Source.IdentifiedServices;
        var differences = new List<HostDifference>();
        var counts = new ComparisonCounts();
        var addresses = old.Hosts.Keys.Union(current.Hosts.Keys).Order(AddressComparer.Instance);
        foreach (var address in addresses)
        {
            var before = old.Hosts.GetValueOrDefault(address);
            var after = current.Hosts.GetValueOrDefault(address);
            if (before is null || after is null)
            {
                if ((before is null ? old : current).Source.Truncated)
                {
                    counts = counts with { HostsNotCompared = counts.HostsNotCompared + 1 };
                    continue;
                }

                differences.Add(before is null
                    ? new HostDifference(address, HostChange.Added, null, after) { Ports = OpenPorts(after!, PortChange.Appeared) }
                    : new HostDifference(address, HostChange.Removed, before, null) { Ports = OpenPorts(before, PortChange.Vanished) });
                counts = before is null ? counts with { HostsAdded = counts.HostsAdded + 1 } : counts with { HostsRemoved = counts.HostsRemoved + 1 };
                continue;
            }

            counts = counts with { HostsCompared = counts.HostsCompared + 1 };
            var attributes = Attributes(before.Report, after.Report);
            switch (before.IsUp, after.IsUp)
            {
                case (false, true):
                    differences.Add(new HostDifference(address, HostChange.WentUp, before, after) { Ports = OpenPorts(after, PortChange.Appeared), Attributes = attributes });
                    counts = counts with { HostsWentUp = counts.HostsWentUp + 1 };
                    break;
                case (true, false):
                    differences.Add(new HostDifference(address, HostChange.WentDown, before, after) { Ports = OpenPorts(before, PortChange.Vanished), Attributes = attributes });
                    counts = counts with { HostsWentDown = counts.HostsWentDown + 1 };
                    break;
                case (true, true):
                    var (ports, portCounts) = ComparePorts(before, after, old.Source, current.Source, compareServices);
                    counts = Add(counts, portCounts);
                    if (ports.Count > 0 || attributes.Count > 0)
                    {
                        var difference = new HostDifference(address, HostChange.Changed, before, after) { Ports = ports, Attributes = attributes };
                        differences.Add(difference);
                        counts = difference.Differs ? counts with { HostsChanged = counts.HostsChanged + 1 } : counts;
                    }

                    break;
                default:
                    if (attributes.Count > 0)
                    {
                        differences.Add(new HostDifference(address, HostChange.Changed, before, after) { Attributes = attributes });
                        counts = counts with { HostsChanged = counts.HostsChanged + 1 };
                    }

                    break;
            }
        }

        return new ScanDifference(old.Source, current.Source, differences, counts);
    }

    private static (List<PortDifference> Ports, ComparisonCounts Counts) ComparePorts(
        HostSnapshot before, HostSnapshot after, ScanSource oldSource, ScanSource newSource, bool compareServices)
    {
        var differences = new List<PortDifference>();
        var counts = new ComparisonCounts();
        var undecided = before.Report.Undecided.Concat(after.Report.Undecided).ToHashSet();
        foreach (var key in before.Ports.Keys.Union(after.Ports.Keys).Union(undecided).Order())
        {
            var old = before.Ports.GetValueOrDefault(key);
            var current = after.Ports.GetValueOrDefault(key);
            var oldState = before.StateOf(key);
            var newState = after.StateOf(key);
            if (!oldSource.Covers(key) || !newSource.Covers(key) || undecided.Contains(key))
            {
                // An open port the other scan did not decide is named, so that "equal" is never claimed for it.
                var openSide = old?.State == PortState.Open || current?.State == PortState.Open;
                if (openSide)
                {
                    differences.Add(new PortDifference(key, PortChange.NotScanned, old?.State, current?.State, old, current));
                    counts = counts with { PortsNotScanned = counts.PortsNotScanned + 1 };
                }
                else
                {
                    counts = counts with { PortsNotCompared = counts.PortsNotCompared + 1 };
                }

                continue;
            }

            var wasOpen = oldState == PortState.Open;
            var isOpen = newState == PortState.Open;
            PortChange? change = (wasOpen, isOpen) switch
            {
                (false, true) => PortChange.Opened,
                (true, false) => PortChange.Closed,
                (true, true) => compareServices && ServiceDiffers(old!, current!) ? PortChange.ServiceChanged : null,
                _ => oldState is not null && newState is not null && oldState != newState ? PortChange.StateChanged : null,
            };
            if (change is not { } kind)
            {
                continue;
            }

            differences.Add(new PortDifference(key, kind, oldState, newState, old, current));
            counts = kind switch
            {
                PortChange.Opened => counts with { PortsOpened = counts.PortsOpened + 1 },
                PortChange.Closed => counts with { PortsClosed = counts.PortsClosed + 1 },
                PortChange.StateChanged => counts with { PortStateChanges = counts.PortStateChanges + 1 },
                _ => counts with { ServiceChanges = counts.ServiceChanges + 1 },
            };
        }

        return (differences, counts);
    }

    // A name looked up by port number on either side (nmap's method="table") says nothing about what answered.
    private static bool ServiceDiffers(Observation old, Observation current) =>
        !old.ServiceGuessed && !current.ServiceGuessed && (!string.Equals(old.Service, current.Service, StringComparison.Ordinal) ||
        !string.Equals(old.Detail?.Product, current.Detail?.Product, StringComparison.Ordinal) ||
        !string.Equals(old.Detail?.Version, current.Detail?.Version, StringComparison.Ordinal) ||
        !string.Equals(old.Detail?.ExtraInfo, current.Detail?.ExtraInfo, StringComparison.Ordinal));

    private static List<PortDifference> OpenPorts(HostSnapshot host, PortChange change) => host.Ports.Values
        .Where(port => port.State == PortState.Open)
        .OrderBy(port => port.Key)
        .Select(port => change == PortChange.Appeared
            ? new PortDifference(port.Key, change, null, PortState.Open, null, port)
            : new PortDifference(port.Key, change, PortState.Open, null, port, null))
        .ToList();

    // Only attributes both scans know: a scan by address against one by name is not a rename.
    private static List<AttributeDifference> Attributes(HostReport old, HostReport current)
    {
        var differences = new List<AttributeDifference>();
        Compare("hostname", old.Target.HostName, current.Target.HostName, StringComparison.OrdinalIgnoreCase);
        Compare("mac", old.MacAddress, current.MacAddress, StringComparison.OrdinalIgnoreCase);
        return differences;

        void Compare(string name, string? before, string? after, StringComparison comparison)
        {
            if (before is not null && after is not null && !string.Equals(before, after, comparison))
            {
                differences.Add(new AttributeDifference(name, before, after));
            }
        }
    }

    private static ComparisonCounts Add(ComparisonCounts total, ComparisonCounts ports) => total with
    {
        PortsOpened = total.PortsOpened + ports.PortsOpened,
        PortsClosed = total.PortsClosed + ports.PortsClosed,
        PortStateChanges = total.PortStateChanges + ports.PortStateChanges,
        ServiceChanges = total.ServiceChanges + ports.ServiceChanges,
        PortsNotCompared = total.PortsNotCompared + ports.PortsNotCompared,
        PortsNotScanned = total.PortsNotScanned + ports.PortsNotScanned,
    };
}
