using System.Text;
using System.Xml;

namespace PortWarden.Alerts.Reports;

/// <summary>
/// A report as one self-contained HTML page (styles inline, no scripts or external files) that is also well-formed XML,
/// so it opens in any browser and any XML tool can read it. Tables carry class names (summary, baseline, changes,
/// violations, coverage) and each device's section its name (data-device).
/// </summary>
public static class HtmlReport
{
    private const string Style = """
        body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; font-size: 13px; color: #222; margin: 2em; }
        h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 2em; border-bottom: 2px solid #444; } h3 { font-size: 15px; }
        table { border-collapse: collapse; margin: 0.5em 0 1em; } th, td { border: 1px solid #bbb; padding: 3px 8px; text-align: left; }
        th { background: #eee; } tr.unplanned td { background: #fdecea; } tr.planned td { background: #eaf4fd; }
        p.none { color: #666; font-style: italic; } dl { display: grid; grid-template-columns: max-content auto; gap: 2px 12px; } dt { font-weight: bold; }
        @media print { body { margin: 0; } h2 { page-break-before: always; } }
        """;

    public static string Render(Report report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var text = new StringBuilder();
        using (var html = XmlWriter.Create(text, new XmlWriterSettings { OmitXmlDeclaration = true, Indent = true, Encoding = Encoding.UTF8 }))
        {
            html.WriteDocType("html", null, null, null);
            html.WriteStartElement("html", "http://www.w3.org/1999/xhtml");
            html.WriteAttributeString("lang", "en");
            html.WriteStartElement("head");
            html.WriteStartElement("meta");
            html.WriteAttributeString("charset", "utf-8");
            html.WriteEndElement();
            Text(html, "title", $"PortWarden report {ReportTables.Time(report.From)} to {ReportTables.Time(report.To)}");
            Text(html, "style", Style);
            html.WriteEndElement();
            html.WriteStartElement("body");
            Text(html, "h1", "PortWarden port report");
            html.WriteStartElement("p");
            html.WriteAttributeString("class", "period");
            html.WriteString($"Period {ReportTables.Time(report.From)} to {ReportTables.Time(report.To)}; generated {ReportTables.Time(report.GeneratedAt)}; {report.Devices.Count} device(s).");
            html.WriteEndElement();
            Table(html, "summary", ReportTables.SummaryColumns, ReportTables.Summary(report).Select(row => (row, (string?)null)));
            foreach (var device in report.Devices)
            {
                Device(html, device);
            }

            html.WriteEndElement();
            html.WriteEndElement();
        }

        return text.ToString();
    }

    private static void Device(XmlWriter html, DeviceReport device)
    {
        html.WriteStartElement("section");
        html.WriteAttributeString("class", "device");
        html.WriteAttributeString("data-device", device.Device.Name);
        Text(html, "h2", device.Device.Name);
        html.WriteStartElement("dl");
        foreach (var (term, value) in new[]
        {
            ("Kind", device.Device.Kind.ToString().ToLowerInvariant()),
            ("Targets", device.Device.Targets.Length == 0 ? "(this machine)" : device.Device.Targets),
            ("Expected ports", device.Device.ExpectedPorts ?? "(no allow-list)"),
            ("Last poll", ReportTables.Time(device.Device.LastPollAt)),
        })
        {
            Text(html, "dt", term);
            Text(html, "dd", value);
        }

        html.WriteEndElement();
        Text(html, "h3", "Current baseline");
        Table(html, "baseline", ReportTables.BaselineColumns, ReportTables.Baseline(device).Select(row => (row, (string?)null)));
        Text(html, "h3", $"Changes in the period ({device.Unplanned} unplanned, {device.Planned} planned)");
        Table(html, "changes", ReportTables.ChangeColumns, ReportTables.Changes(device).Select(row => (row, (string?)row[5])));
        Text(html, "h3", "Expected-state violations");
        if (device.Device.ExpectedPorts is null)
        {
            None(html, "No expected state is set for this device.");
        }
        else
        {
            Table(html, "violations", ReportTables.ViolationColumns, ReportTables.Violations(device).Select(row => (row, (string?)null)));
        }

        Text(html, "h3", "Poll coverage");
        Table(html, "coverage", ReportTables.CoverageColumns, [(ReportTables.Coverage(device.Coverage), null)]);
        if (device.Coverage.Failures.Count > 0)
        {
            Table(html, "failed-polls", ["Time", "Poll", "Error"], device.Coverage.Failures.Select(f => (new[] { ReportTables.Time(f.At), f.PollId.ToString(), f.Error }, (string?)null)));
        }

        html.WriteEndElement();
    }

    private static void Table(XmlWriter html, string name, string[] columns, IEnumerable<(string[] Cells, string? RowClass)> rows)
    {
        var list = rows.ToList();
        if (list.Count == 0)
        {
            None(html, "None.");
            return;
        }

        html.WriteStartElement("table");
        html.WriteAttributeString("class", name);
        html.WriteStartElement("thead");
        html.WriteStartElement("tr");
        foreach (var column in columns)
        {
            Text(html, "th", column);
        }

        html.WriteEndElement();
        html.WriteEndElement();
        html.WriteStartElement("tbody");
        foreach (var (cells, rowClass) in list)
        {
            html.WriteStartElement("tr");
            if (rowClass is { Length: > 0 })
            {
                html.WriteAttributeString("class", rowClass);
            }

            foreach (var cell in cells)
            {
                Text(html, "td", cell);
            }

            html.WriteEndElement();
        }

        html.WriteEndElement();
        html.WriteEndElement();
    }

    /// <summary>An element with text, always with an end tag (an empty &lt;td/&gt; is not an empty cell to an HTML parser).</summary>
    private static void Text(XmlWriter html, string name, string text)
    {
        html.WriteStartElement(name);
        html.WriteString(text);
        html.WriteFullEndElement();
    }

    private static void None(XmlWriter html, string text)
    {
        html.WriteStartElement("p");
        html.WriteAttributeString("class", "none");
        html.WriteString(text);
        html.WriteEndElement();
    }
}
