using System.Diagnostics;
using System.Text.Json;
using System.Xml.Linq;
using AngleSharp.Html.Parser;
using PortWarden.Alerts.Reports;
using PortWarden.Core.Tracking;

namespace PortWarden.Alerts.Tests;

/// <summary>Reports of a recorded scenario: a baseline, planned and unplanned changes, an allow-list and a failed poll.</summary>
public sealed class ReportTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_html_report_holds_the_baseline_changes_violations_and_coverage_of_the_scenario()
    {
        await using var scratch = await ScratchStore.OpenAsync();
        var report = await ScenarioAsync(scratch);

        var html = HtmlReport.Render(report);

        var document = new HtmlParser().ParseDocument(html);
        var section = document.QuerySelector("section.device[data-device='web <main>']")!;
        Assert.NotNull(section);
        Assert.Equal("web <main>", section.QuerySelector("h2")!.TextContent);
        var baseline = Rows(section, "table.baseline");
        Assert.Equal(["198.18.7.1 tcp/22 ssh", "198.18.7.1 tcp/443 https", "198.18.7.1 tcp/3306 mysql", "198.18.7.2 tcp/80 http"],
            baseline.Select(r => $"{r[0]} {r[3]} {r[4]}"));
        var changes = Rows(section, "table.changes");
        Assert.Equal(["port-opened tcp/443 planned CHG-42", "port-opened tcp/3306 unplanned ", "port-closed tcp/25 unplanned "],
            changes.Select(r => $"{r[1]} {r[3]} {r[5]} {r[6]}"));
        Assert.Equal(["198.18.7.1 tcp/3306", "198.18.7.2 tcp/80"], Rows(section, "table.violations").Select(r => $"{r[0]} {r[2]}"));
        var coverage = Assert.Single(Rows(section, "table.coverage"));
        Assert.Equal(("3", "1"), (coverage[0], coverage[1]));
        Assert.Contains("nmap crashed", section.QuerySelector("table.failed-polls")!.TextContent, StringComparison.Ordinal);
        Assert.Empty(document.QuerySelectorAll("script, link, img"));
        Assert.Empty(document.QuerySelectorAll("[src], [href]"));

        // Also well-formed XML (XHTML), so XML tools read it.
        var xml = XDocument.Parse(html);
        Assert.Equal("html", xml.Root!.Name.LocalName);
    }

    [Fact]
    public async Task The_pdf_report_opens_with_pages_and_extractable_text()
    {
        await using var scratch = await ScratchStore.OpenAsync();
        var report = await ScenarioAsync(scratch);
        var path = Path.Combine(Path.GetTempPath(), $"portwarden-report-{Guid.NewGuid():N}.pdf");
        try
        {
            await File.WriteAllBytesAsync(path, PdfReport.Render(report), Cancel);

            var info = await RunAsync("pdfinfo", path);
            var pages = int.Parse(info.Split('\n').Single(l => l.StartsWith("Pages:", StringComparison.Ordinal))["Pages:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(pages > 0, info);
            var text = await RunAsync("pdftotext", "-layout", path, "-");
            Assert.Contains("PortWarden port report", text, StringComparison.Ordinal);
            Assert.Contains("web <main>", text, StringComparison.Ordinal);
            Assert.Contains("tcp/3306", text, StringComparison.Ordinal);
            Assert.Contains("CHG-42", text, StringComparison.Ordinal);
            Assert.Contains("Expected-state violations", text, StringComparison.Ordinal);

            using var pdf = UglyToad.PdfPig.PdfDocument.Open(path);
            Assert.Equal(pages, pdf.NumberOfPages);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_long_history_spreads_over_several_pdf_pages()
    {
        await using var scratch = await ScratchStore.OpenAsync();
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(-1));
        for (var i = 0; i < 40; i++)
        {
            clock.Advance(TimeSpan.FromMinutes(1));
            await scratch.PollAsync("busy", clock, ("198.18.8.1", i % 2 == 0 ? [22, 80, 443, 1000] : [22]));
        }

        var report = await ReportBuilder.BuildAsync(scratch.Store, ["busy"], DateTimeOffset.UtcNow.AddDays(-2), DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, Cancel);
        using var pdf = UglyToad.PdfPig.PdfDocument.Open(PdfReport.Render(report));

        Assert.Equal(39 * 3, report.Devices[0].Changes.Count);
        Assert.True(pdf.NumberOfPages > 1, $"{pdf.NumberOfPages} page(s)");
        Assert.Contains("tcp/1000", string.Join(' ', pdf.GetPages().Select(p => p.Text)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_json_and_csv_reports_say_the_same()
    {
        await using var scratch = await ScratchStore.OpenAsync();
        var report = await ScenarioAsync(scratch);

        using var json = JsonDocument.Parse(JsonReport.Render(report));
        var device = json.RootElement.GetProperty("devices")[0];
        var csv = CsvReport.Render(report).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(("web <main>", 2, 1, 3), (device.GetProperty("name").GetString(), device.GetProperty("unplanned").GetInt32(), device.GetProperty("planned").GetInt32(),
            device.GetProperty("changes").GetArrayLength()));
        Assert.Equal(2, device.GetProperty("violations").GetArrayLength());
        Assert.Equal((3, 1), (device.GetProperty("coverage").GetProperty("polls").GetInt32(), device.GetProperty("coverage").GetProperty("failed").GetInt32()));
        Assert.Equal(CsvReport.Header, csv[0]);
        Assert.Equal(4, csv.Count(l => l.StartsWith("baseline,", StringComparison.Ordinal)));
        Assert.Equal(3, csv.Count(l => l.StartsWith("change,", StringComparison.Ordinal)));
        Assert.Equal(2, csv.Count(l => l.StartsWith("violation,", StringComparison.Ordinal)));
        Assert.Contains(csv, l => l.StartsWith("change,web <main>,198.18.7.1,,tcp,443,port-opened,https,", StringComparison.Ordinal) && l.Contains(",planned,CHG-42,", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unknown_device_or_a_backwards_period_is_refused_by_name()
    {
        await using var scratch = await ScratchStore.OpenAsync();

        var unknown = await Assert.ThrowsAsync<FormatException>(() => ReportBuilder.BuildAsync(scratch.Store, ["nope"], DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, Cancel));
        var backwards = await Assert.ThrowsAsync<FormatException>(() => ReportBuilder.BuildAsync(scratch.Store, null, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow, Cancel));

        Assert.Contains("'nope'", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("ends", backwards.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Device "web &lt;main&gt;": 22, 25 open on .1 and 80 on .2 (baseline); then 443 opens inside change window CHG-42, 3306 opens
    /// unplanned and 25 closes; a third poll fails. Expected ports: T:22,443.
    /// </summary>
    private static async Task<Report> ScenarioAsync(ScratchStore scratch)
    {
        var start = DateTimeOffset.UtcNow.AddHours(-3);
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(start);
        await scratch.PollAsync("web <main>", clock, ("198.18.7.1", [22, 25]), ("198.18.7.2", [80]));
        var device = (await scratch.Store.FindDeviceAsync("web <main>", Cancel))!;
        await scratch.Store.AddChangeWindowAsync(new ChangeWindow(0, device.Id, null, "443", null, start, start.AddHours(1), "CHG-42", "TLS"), Cancel);
        clock.Advance(TimeSpan.FromMinutes(30));
        await scratch.PollAsync("web <main>", clock, ("198.18.7.1", [22, 443, 3306]), ("198.18.7.2", [80]));
        clock.Advance(TimeSpan.FromMinutes(30));
        var failed = new PollRecord(Guid.CreateVersion7(clock.GetUtcNow()), device.Id, null, "nmap", clock.GetUtcNow(), clock.GetUtcNow().AddSeconds(2), PollCounts.None, "nmap crashed");
        await scratch.Store.RecordPollAsync(new PollResult(failed, new BaselineChanges([], [], []), [PollEvents.PollCompleted(device, failed, clock.GetUtcNow())], false), Cancel);
        await scratch.Store.SetExpectedPortsAsync(device.Id, "T:22,443", Cancel);
        return await ReportBuilder.BuildAsync(scratch.Store, null, start.AddMinutes(-1), DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, Cancel);
    }

    private static List<string[]> Rows(AngleSharp.Dom.IElement section, string table) =>
        section.QuerySelectorAll($"{table} tbody tr").Select(row => row.QuerySelectorAll("td").Select(cell => cell.TextContent).ToArray()).ToList();

    private static async Task<string> RunAsync(string program, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = await process.StandardOutput.ReadToEndAsync(Cancel);
        var error = await process.StandardError.ReadToEndAsync(Cancel);
        await process.WaitForExitAsync(Cancel);
        Assert.True(process.ExitCode == 0, $"{program} failed ({process.ExitCode}): {error}");
        return output;
    }
}
