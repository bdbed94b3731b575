using System.Globalization;
using PortWarden.Alerts.Formats;
using PortWarden.Core.Ports;
using PortWarden.Core.Tracking;

namespace PortWarden.Alerts.Reports;

/// <summary>The tables of a report as rows of text, shared by the HTML and PDF renderings so both say the same.</summary>
internal static class ReportTables
{
    public static readonly string[] SummaryColumns = ["Device", "Hosts up", "Open ports", "Unplanned", "Planned", "Violations", "Polls", "Failed"];
    public static readonly string[] BaselineColumns = ["Host", "Host name", "State", "Port", "Service", "Open since"];
    public static readonly string[] ChangeColumns = ["Time", "Event", "Host", "Port", "Change", "Classification", "Reference"];
    public static readonly string[] ViolationColumns = ["Host", "Host name", "Port", "Service", "Open since"];
    public static readonly string[] CoverageColumns = ["Polls", "Failed", "Shortest", "Average", "Longest", "First", "Last"];

    public static string Time(DateTimeOffset? instant) => instant is { } t ? EventLine.Time(t) : "";

    public static IEnumerable<string[]> Summary(Report report) => report.Devices.Select(d => new[]
    {
        d.Device.Name,
        N(d.Hosts.Count(h => h.State == Core.Scanning.HostState.Up)),
        N(d.Hosts.Sum(h => h.OpenPorts.Count())),
        N(d.Unplanned),
        N(d.Planned),
        d.Device.ExpectedPorts is null ? "-" : N(d.Violations.Count),
        N(d.Coverage.Polls),
        N(d.Coverage.Failed),
    });

    public static IEnumerable<string[]> Baseline(DeviceReport device) => device.Hosts.SelectMany(host =>
    {
        var state = host.State == Core.Scanning.HostState.Up ? "up" : "down";
        var ports = host.OpenPorts.OrderBy(p => p.Key).ToList();
        return ports.Count == 0
            ? [[host.Address, host.HostName ?? "", state, "", "", ""]]
            : ports.Select(p => new[] { host.Address, host.HostName ?? "", state, p.Key.ToString(), p.Service ?? "", Time(p.LastChanged) });
    });

    public static IEnumerable<string[]> Changes(DeviceReport device) => device.Changes.Select(e => new[]
    {
        Time(e.OccurredAt), e.Type.ToWireName(), e.Host ?? "", EventLine.Port(e), EventLine.Change(e), e.Classification?.ToWireName() ?? "", e.Reference ?? "",
    });

    public static IEnumerable<string[]> Violations(DeviceReport device) => device.Violations.Select(v => new[]
    {
        v.Host, v.HostName ?? "", v.Port.ToString(), v.Service ?? "", Time(v.OpenSince),
    });

    public static string[] Coverage(PollCoverage c) =>
        [N(c.Polls), N(c.Failed), Duration(c.Shortest), Duration(c.Average), Duration(c.Longest), Time(c.First), Time(c.Last)];

    private static string Duration(TimeSpan? span) => span is { } s ? s.TotalSeconds.ToString("0.00 's'", CultureInfo.InvariantCulture) : "";

    private static string N(long n) => n.ToString(CultureInfo.InvariantCulture);
}
