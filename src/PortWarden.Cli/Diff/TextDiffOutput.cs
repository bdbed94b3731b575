using System.Globalization;
using System.Text;
using PortWarden.Core.Comparison;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;

namespace PortWarden.Cli.Diff;

/// <summary>
/// The differences in the spirit of ndiff: a "-" line for what the old scan said and a "+" line for what the new
/// one says, per host and port, then a one-line summary.
/// </summary>
internal static class TextDiffOutput
{
    public static async Task WriteAsync(ScanDifference difference, TextWriter writer, CancellationToken cancellationToken)
    {
        var text = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"--- {difference.Old.Name} ({DiffText.Describe(difference.Old)})")
            .AppendLine(CultureInfo.InvariantCulture, $"+++ {difference.New.Name} ({DiffText.Describe(difference.New)})");
        foreach (var host in difference.Hosts)
        {
            text.AppendLine();
            AppendHost(text, host);
        }

        text.AppendLine().AppendLine(Summary(difference));
        await writer.WriteAsync(text.ToString().AsMemory(), cancellationToken).ConfigureAwait(false);
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void AppendHost(StringBuilder text, HostDifference host)
    {
        var sign = host.Change switch
        {
            HostChange.Added => '+',
            HostChange.Removed => '-',
            _ => ' ',
        };
        var name = host.HostName is null ? $"{host.Address}" : $"{host.HostName} ({host.Address})";
        text.AppendLine(CultureInfo.InvariantCulture, $"{sign}{name}:");
        switch (host.Change)
        {
            case HostChange.Added or HostChange.Removed:
                var report = (host.New ?? host.Old)!.Report;
                text.AppendLine(CultureInfo.InvariantCulture, $"{sign}Host is {report.State.ToWireName()}.");
                break;
            case HostChange.WentUp or HostChange.WentDown:
                text.AppendLine(CultureInfo.InvariantCulture, $"-Host is {host.Old!.Report.State.ToWireName()}.")
                    .AppendLine(CultureInfo.InvariantCulture, $"+Host is {host.New!.Report.State.ToWireName()}.");
                break;
        }

        foreach (var attribute in host.Attributes)
        {
            var label = attribute.Name == "mac" ? "MAC Address" : "Host name";
            text.AppendLine(CultureInfo.InvariantCulture, $"-{label}: {attribute.Old}")
                .AppendLine(CultureInfo.InvariantCulture, $"+{label}: {attribute.New}");
        }

        var rows = host.Ports.SelectMany(Rows).ToList();
        if (rows.Count == 0)
        {
            return;
        }

        var header = (Sign: ' ', Port: "PORT", State: "STATE", Service: "SERVICE", Version: rows.Any(row => row.Version.Length > 0) ? "VERSION" : "");
        var all = rows.Prepend(header).ToList();
        var portWidth = all.Max(row => row.Port.Length) + 2;
        var stateWidth = all.Max(row => row.State.Length) + 2;
        var serviceWidth = all.Max(row => row.Service.Length) + 2;
        foreach (var row in all)
        {
            var line = $"{row.Sign}{row.Port.PadRight(portWidth)}{row.State.PadRight(stateWidth)}{row.Service.PadRight(serviceWidth)}{row.Version}";
            text.AppendLine(line.TrimEnd());
        }
    }

    /// <summary>The "-" row for what the old scan said (when it said something) and the "+" row for the new one.</summary>
    private static IEnumerable<(char Sign, string Port, string State, string Service, string Version)> Rows(PortDifference port)
    {
        var key = $"{port.Key.Port.ToString(CultureInfo.InvariantCulture)}/{port.Key.Protocol.ToWireName()}";
        if (port.Change == PortChange.NotScanned)
        {
            // The side without the port did not scan it: say so rather than imply a state.
            yield return ('-', key, port.Old?.State.ToWireName() ?? "not scanned", port.Old?.Service ?? "", DiffText.Version(port.Old));
            yield return ('+', key, port.New?.State.ToWireName() ?? "not scanned", port.New?.Service ?? "", DiffText.Version(port.New));
            yield break;
        }

        if (port.OldState is { } oldState)
        {
            yield return ('-', key, oldState.ToWireName(), port.Old?.Service ?? "", DiffText.Version(port.Old));
        }

        if (port.NewState is { } newState)
        {
            yield return ('+', key, newState.ToWireName(), port.New?.Service ?? "", DiffText.Version(port.New));
        }
        else if (port.Change == PortChange.Closed)
        {
            yield return ('+', key, "not open", "", "");
        }
    }

    private static string Summary(ScanDifference difference)
    {
        var counts = difference.Counts;
        var lines = new List<string>();
        var differing = difference.Hosts.Count(host => host.Differs);
        if (difference.Equal)
        {
            lines.Add(counts.PortsNotScanned == 0
                ? $"No differences: {Count(counts.HostsCompared, "host")} compared."
                : $"No differences among the ports both scans covered: {Count(counts.HostsCompared, "host")} compared.");
        }
        else
        {
            var hosts = Parts(
                (counts.HostsAdded, "added"), (counts.HostsRemoved, "removed"), (counts.HostsWentUp, "went up"),
                (counts.HostsWentDown, "went down"), (counts.HostsChanged, "changed"));
            var ports = Parts(
                (counts.PortsOpened, "opened"), (counts.PortsClosed, "closed"), (counts.PortStateChanges, "changed state"),
                (counts.ServiceChanges, "changed service"));
            var verb = differing == 1 ? "differs" : "differ";
            lines.Add($"{Count(differing, "host")} {verb}: {hosts}{(ports.Length > 0 ? $"; ports: {ports}" : "")}.");
        }

        if (counts.PortsNotScanned > 0)
        {
            lines.Add($"Partial comparison: {Count(counts.PortsNotScanned, "open port")} not scanned by the other scan, not compared.");
        }

        if (counts.PortsNotCompared > 0)
        {
            lines.Add($"{Count(counts.PortsNotCompared, "listed port")} outside the other scan's ports not compared.");
        }

        foreach (var source in new[] { difference.Old, difference.New }.Where(source => source.Truncated))
        {
            lines.Add($"Partial comparison: '{source.Name}' is cut off; {Count(counts.HostsNotCompared, "host")} it does not list not compared.");
        }

        return string.Join(Environment.NewLine, lines);
    }

    private static string Parts(params (int Count, string Name)[] parts) =>
        string.Join(", ", parts.Where(part => part.Count > 0).Select(part => $"{part.Count.ToString(CultureInfo.InvariantCulture)} {part.Name}"));

    private static string Count(int count, string noun) => $"{count.ToString(CultureInfo.InvariantCulture)} {noun}{(count == 1 ? "" : "s")}";
}
