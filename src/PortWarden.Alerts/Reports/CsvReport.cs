using System.Globalization;
using System.Text;
using PortWarden.Alerts.Formats;
using PortWarden.Core.Ports;
using PortWarden.Core.Tracking;

namespace PortWarden.Alerts.Reports;

/// <summary>
/// A report as one CSV table: the first column says which section a row belongs to (baseline, change, violation, coverage,
/// failed-poll), so a spreadsheet filters it back into the report's parts.
/// </summary>
public static class CsvReport
{
    public const string Header = "section,device,host,hostname,protocol,port,state,service,time,classification,reference,detail";

    public static string Render(Report report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var csv = new StringBuilder().Append(Header).Append('\n');
        void Row(params string?[] fields) => csv.Append(string.Join(',', fields.Select(EventCsv.Escape))).Append('\n');
        static string Time(DateTimeOffset? t) => t?.ToString("O", CultureInfo.InvariantCulture) ?? "";
        static string Number(long n) => n.ToString(CultureInfo.InvariantCulture);

        foreach (var device in report.Devices)
        {
            var name = device.Device.Name;
            foreach (var host in device.Hosts)
            {
                var state = host.State == Core.Scanning.HostState.Up ? "up" : "down";
                if (!host.OpenPorts.Any())
                {
                    Row("baseline", name, host.Address, host.HostName, null, null, state, null, Time(host.LastChanged), null, null, null);
                }

                foreach (var port in host.OpenPorts.OrderBy(p => p.Key))
                {
                    Row("baseline", name, host.Address, host.HostName, port.Key.Protocol.ToWireName(), Number(port.Key.Port), "open", port.Service, Time(port.LastChanged), null, null, null);
                }
            }

            foreach (var e in device.Changes)
            {
                Row("change", name, e.Host, e.HostName, e.Protocol?.ToWireName(), e.Port is { } p ? Number(p) : null, e.Type.ToWireName(), e.Service,
                    Time(e.OccurredAt), e.Classification?.ToWireName(), e.Reference, EventLine.Change(e));
            }

            foreach (var v in device.Violations)
            {
                Row("violation", name, v.Host, v.HostName, v.Port.Protocol.ToWireName(), Number(v.Port.Port), "open", v.Service, Time(v.OpenSince), null, null,
                    $"not in expected ports {device.Device.ExpectedPorts}");
            }

            var c = device.Coverage;
            Row("coverage", name, null, null, null, null, null, null, Time(c.Last), null, null,
                string.Create(CultureInfo.InvariantCulture, $"polls={c.Polls}; failed={c.Failed}; shortest_ms={c.Shortest?.TotalMilliseconds:0}; average_ms={c.Average?.TotalMilliseconds:0}; longest_ms={c.Longest?.TotalMilliseconds:0}"));
            foreach (var failure in c.Failures)
            {
                Row("failed-poll", name, null, null, null, null, null, null, Time(failure.At), null, failure.PollId.ToString(), failure.Error);
            }
        }

        return csv.ToString();
    }
}
