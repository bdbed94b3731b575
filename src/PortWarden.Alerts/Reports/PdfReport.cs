using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace PortWarden.Alerts.Reports;

/// <summary>
/// A report as a PDF (written with PdfPig, Apache-2.0): A4 pages with the same sections and tables as the HTML report,
/// in the standard Helvetica fonts (no font files needed), with real text that PDF readers can search and copy.
/// </summary>
public static class PdfReport
{
    public static byte[] Render(Report report)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var builder = new PdfDocumentBuilder();
        var pages = new Pages(builder);
        pages.Title("PortWarden port report");
        pages.Line($"Period {ReportTables.Time(report.From)} to {ReportTables.Time(report.To)}; generated {ReportTables.Time(report.GeneratedAt)}; {report.Devices.Count} device(s).");
        pages.Gap();
        pages.Table(ReportTables.SummaryColumns, [3, 1, 1, 1, 1, 1, 1, 1], ReportTables.Summary(report));
        foreach (var device in report.Devices)
        {
            pages.Heading(device.Device.Name, 14);
            pages.Line($"Kind: {device.Device.Kind.ToString().ToLowerInvariant()}   Targets: {(device.Device.Targets.Length == 0 ? "(this machine)" : device.Device.Targets)}");
            pages.Line($"Expected ports: {device.Device.ExpectedPorts ?? "(no allow-list)"}   Last poll: {ReportTables.Time(device.Device.LastPollAt)}");
            pages.Heading("Current baseline", 11);
            pages.Table(ReportTables.BaselineColumns, [2, 2, 1, 1, 2, 2], ReportTables.Baseline(device));
            pages.Heading($"Changes in the period ({device.Unplanned} unplanned, {device.Planned} planned)", 11);
            pages.Table(ReportTables.ChangeColumns, [2.2, 1.5, 1.6, 1, 2, 1.2, 1.3], ReportTables.Changes(device));
            pages.Heading("Expected-state violations", 11);
            if (device.Device.ExpectedPorts is null)
            {
                pages.Line("No expected state is set for this device.");
            }
            else
            {
                pages.Table(ReportTables.ViolationColumns, [2, 2, 1, 2, 2], ReportTables.Violations(device));
            }

            pages.Heading("Poll coverage", 11);
            pages.Table(ReportTables.CoverageColumns, [1, 1, 1, 1, 1, 2, 2], [ReportTables.Coverage(device.Coverage)]);
            foreach (var failure in device.Coverage.Failures)
            {
                pages.Line($"Failed poll {failure.PollId} at {ReportTables.Time(failure.At)}: {failure.Error}");
            }
        }

        return builder.Build();
    }

    /// <summary>A cursor over A4 pages: writes lines and tables top to bottom and starts a new page when one is full.</summary>
    private sealed class Pages(PdfDocumentBuilder builder)
    {
        private const double Margin = 40;
        private const double Width = 595 - (2 * Margin);
        private readonly PdfDocumentBuilder.AddedFont regular = builder.AddStandard14Font(Standard14Font.Helvetica);
        private readonly PdfDocumentBuilder.AddedFont bold = builder.AddStandard14Font(Standard14Font.HelveticaBold);
        private PdfPageBuilder? page;
        private double y;

        public void Title(string text) => Write(text, 18, bold, 26);

        public void Heading(string text, double size)
        {
            Space(size * 3);
            y -= size * 0.6;
            Write(text, size, bold, size * 1.5);
        }

        public void Line(string text) => Write(text, 9, regular, 12);

        public void Gap() => y -= 6;

        public void Table(string[] columns, double[] weights, IEnumerable<string[]> rows)
        {
            var widths = weights.Select(w => Width * w / weights.Sum()).ToArray();
            var list = rows.ToList();
            if (list.Count == 0)
            {
                Line("None.");
                return;
            }

            Row(columns, widths, bold);
            foreach (var row in list)
            {
                Row(row, widths, regular);
            }

            Gap();
        }

        private void Row(string[] cells, double[] widths, PdfDocumentBuilder.AddedFont font)
        {
            Space(11);
            var x = Margin;
            for (var i = 0; i < cells.Length; i++)
            {
                var text = Fit(Printable(cells[i]), widths[i] - 4, 8);
                if (text.Length > 0)
                {
                    page!.AddText(text, 8, new PdfPoint(x, y - 8), font);
                }

                x += widths[i];
            }

            page!.DrawLine(new PdfPoint(Margin, y - 10.5), new PdfPoint(Margin + Width, y - 10.5), 0.2);
            y -= 11;
        }

        private void Write(string text, double size, PdfDocumentBuilder.AddedFont font, double height)
        {
            foreach (var line in Wrap(Printable(text), size))
            {
                Space(height);
                page!.AddText(line, size, new PdfPoint(Margin, y - size), font);
                y -= height;
            }
        }

        private void Space(double needed)
        {
            if (page is null || y - needed < Margin)
            {
                page = builder.AddPage(PageSize.A4);
                y = 842 - Margin;
            }
        }

        /// <summary>Cuts a cell to its column, by Helvetica's average glyph width (about half the font size).</summary>
        private static string Fit(string text, double width, double size)
        {
            var max = Math.Max(1, (int)(width / (size * 0.5)));
            return text.Length <= max ? text : text[..Math.Max(0, max - 3)] + "...";
        }

        private static IEnumerable<string> Wrap(string text, double size)
        {
            var max = (int)(Width / (size * 0.5));
            var line = "";
            foreach (var word in text.Split(' '))
            {
                if (line.Length > 0 && line.Length + 1 + word.Length > max)
                {
                    yield return line;
                    line = "";
                }

                line = line.Length == 0 ? word : $"{line} {word}";
                while (line.Length > max)
                {
                    yield return line[..max];
                    line = line[max..];
                }
            }

            yield return line;
        }

        /// <summary>The standard fonts know Latin-1 only: other characters (and control characters) become '?'.</summary>
        private static string Printable(string text) =>
            string.Create(text.Length, text, (span, source) =>
            {
                for (var i = 0; i < source.Length; i++)
                {
                    span[i] = source[i] is (>= ' ' and <= '~') or (>= '\u00a0' and <= '\u00ff') ? source[i] : '?';
                }
            });
    }
}
