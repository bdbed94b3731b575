using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.Playwright;
using PortWarden.Core.Tracking;
using PortWarden.NetLab;
using static Microsoft.Playwright.Assertions;

namespace PortWarden.Hub.Tests.Dashboard;

/// <summary>An administrator using the dashboard in a real browser against a real hub, agent and namespace host.</summary>
[Collection(NetworkLabTests.Name)]
public sealed partial class DashboardScenarioTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_admin_tracks_a_host_sees_an_unplanned_change_plans_the_next_and_exports_exactly_the_filtered_events()
    {
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(cancellationToken: Cancel);
        host.Listen(22);
        await using var hub = await TestHub.StartAsync(cancellationToken: Cancel);
        var identity = await hub.EnrolAsync("branch");
        await using var agent = new TestAgent(hub.BaseAddress, identity);
        await agent.StartAsync();
        await using var browser = await Browser.StartAsync(hub.BaseAddress);
        await browser.RecordFailureAsync("scenario", () => ScenarioAsync(browser, host));
    }

    private static async Task ScenarioAsync(Browser browser, LabHost host)
    {
        var page = browser.Page;

        // Every page wants a session first.
        await page.GotoAsync("/events");
        await Expect(page).ToHaveURLAsync(LoginUrl());
        await browser.CheckAccessibilityAsync();
        await browser.ScreenshotAsync("01-login");
        await page.GetByLabel("Admin key").FillAsync("pwk_not-the-key-of-this-hub-000000000");
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Expect(page.Locator("#key-error")).ToContainTextAsync("not an admin key");
        await Expect(page.GetByLabel("Admin key")).ToHaveAttributeAsync("aria-invalid", "true");
        await page.GetByLabel("Admin key").FillAsync(TestHub.AdminKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/events$"));

        // A device: the API's validation message appears next to the field at fault, then the corrected device is saved.
        await browser.OpenAsync("/trackers");
        var deviceForm = page.Locator("form[data-form=device]");
        await deviceForm.GetByLabel("Name").FillAsync("branch-gw");
        await deviceForm.GetByLabel("Targets").FillAsync("10.0.0.300");
        await deviceForm.GetByLabel("branch (online)").CheckAsync();
        await deviceForm.GetByRole(AriaRole.Button, new() { Name = "Save device" }).ClickAsync();
        await Expect(deviceForm.Locator("[data-field=targets] .field-error")).ToContainTextAsync("'10.0.0.300'");
        await Expect(deviceForm.GetByLabel("Targets")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(deviceForm.GetByLabel("Targets")).ToBeFocusedAsync();
        await browser.CheckAccessibilityAsync();
        await browser.ScreenshotAsync("02-device-validation");
        await deviceForm.GetByLabel("Targets").FillAsync(host.Address.ToString());
        await deviceForm.GetByRole(AriaRole.Button, new() { Name = "Save device" }).ClickAsync();
        await Expect(page.Locator("table[data-table=devices] tr[data-device=branch-gw]")).ToContainTextAsync(host.Address.ToString());

        // A tracker, likewise.
        var trackerForm = page.Locator("form[data-form=tracker]");
        await trackerForm.GetByLabel("Device").SelectOptionAsync(new SelectOptionValue { Label = "branch-gw" });
        await trackerForm.GetByLabel("Name", new() { Exact = true }).FillAsync("tcp");
        await trackerForm.GetByLabel("Ports", new() { Exact = true }).FillAsync("22,0");
        await trackerForm.GetByRole(AriaRole.Button, new() { Name = "Save tracker" }).ClickAsync();
        await Expect(trackerForm.Locator("[data-field=ports] .field-error")).ToContainTextAsync("port 0");
        await browser.CheckAccessibilityAsync();
        await browser.ScreenshotAsync("03-tracker-validation");
        await trackerForm.GetByLabel("Ports", new() { Exact = true }).FillAsync("1-1024");
        await trackerForm.GetByRole(AriaRole.Button, new() { Name = "Save tracker" }).ClickAsync();

        // Run it: the baseline. Then a port opens and the next run finds it.
        await RunAsync(browser, "tcp", 1);
        host.Listen(80);
        await RunAsync(browser, "tcp", 2);
        await browser.CheckAccessibilityAsync();
        await browser.ScreenshotAsync("04-trackers");

        // The overview says so, unplanned.
        await browser.OpenAsync("/");
        var recent = page.Locator("table[data-table=recent-changes] tr[data-port='80']");
        await Expect(recent).ToContainTextAsync("opened");
        await Expect(recent.Locator("[data-classification]")).ToHaveTextAsync("unplanned");
        await Expect(page.Locator("tr[data-device=branch-gw] td[data-unplanned]")).ToHaveTextAsync("1");
        await Expect(page.Locator("svg.chart")).ToBeVisibleAsync();
        await browser.CheckAccessibilityAsync();
        await browser.ScreenshotAsync("05-overview");

        // So does the device page: the baseline and the change history.
        await page.GetByRole(AriaRole.Link, new() { Name = "branch-gw", Exact = true }).First.ClickAsync();
        await Expect(page.Locator("main[data-ready]")).ToHaveAttributeAsync("data-ready", "true");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "branch-gw", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.Locator("table[data-table=baseline] tr[data-port]")).ToHaveCountAsync(2);
        await Expect(page.Locator("table[data-table=baseline] tr[data-port='80']")).ToContainTextAsync("http");
        var history = page.Locator("table[data-table=history] tr[data-port='80']");
        await Expect(history).ToContainTextAsync("port-opened");
        await Expect(history.Locator("[data-classification]")).ToHaveTextAsync("unplanned");
        await Expect(page.Locator("table[data-table=polls] tr[data-poll]")).ToHaveCountAsync(2);
        var deviceUrl = page.Url;
        await browser.CheckAccessibilityAsync();
        await browser.ScreenshotAsync("06-device");

        // A planned change for port 443 of this device, from now on: the next change is planned, with its reference.
        await browser.OpenAsync("/planned");
        var windowForm = page.Locator("form[aria-label='Planned change']");
        await windowForm.GetByLabel("Device").SelectOptionAsync(new SelectOptionValue { Label = "branch-gw" });
        await windowForm.GetByLabel("Reference").FillAsync("CHG-42");
        await windowForm.GetByLabel("Ports", new() { Exact = true }).FillAsync("443");
        await windowForm.GetByLabel("Description").FillAsync("TLS front end");
        await windowForm.GetByRole(AriaRole.Button, new() { Name = "Save planned change" }).ClickAsync();
        await Expect(page.Locator("tr[data-reference=CHG-42]")).ToContainTextAsync("branch-gw");
        host.Listen(443);
        await browser.OpenAsync("/trackers");
        await RunAsync(browser, "tcp", 1);

        // The events page, filtered through its form to this device's opened ports, shows both, classified.
        await browser.OpenAsync("/events");
        var filters = page.Locator("form.filters");
        await filters.GetByLabel("Device").SelectOptionAsync(new SelectOptionValue { Label = "branch-gw" });
        await filters.GetByLabel("port-opened").CheckAsync();
        await filters.GetByRole(AriaRole.Button, new() { Name = "Apply filters" }).ClickAsync();
        await Expect(page.Locator("main[data-ready]")).ToHaveAttributeAsync("data-ready", "true");
        var rows = page.Locator("table[data-table=events] tr[data-event]");
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(page.Locator("table[data-table=events] tr[data-port='443'] [data-classification]")).ToHaveTextAsync("planned · CHG-42");
        await Expect(page.Locator("table[data-table=events] tr[data-port='80'] [data-classification]")).ToHaveTextAsync("unplanned");
        await browser.CheckAccessibilityAsync();
        await browser.ScreenshotAsync("07-events");

        // Filters the API refuses are marked at the field, as forms are.
        await page.GotoAsync("/events?since=someday&port=99999");
        await Expect(page.Locator("form.filters [data-field=since] .field-error")).ToContainTextAsync("someday");
        await Expect(page.Locator("form.filters [data-field=port] .field-error")).ToContainTextAsync("1-65535");
        await page.GoBackAsync();
        await Expect(rows).ToHaveCountAsync(2);

        // The exports hold exactly these events: the command line's CSV columns, and the one JSON shape.
        var csv = await DownloadAsync(page, "csv");
        Assert.Equal(EventCsv.Header, csv[0]);
        Assert.Equal(["443,planned,CHG-42", "80,unplanned,"], csv.Skip(1).Select(line => line.Split(',')).Select(f => $"{f[8]},{f[13]},{f[14]}").Order(StringComparer.Ordinal));
        var lines = await DownloadAsync(page, "jsonl");
        var exported = lines.Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.Equal([(443, "planned"), (80, "unplanned")], exported.Select(e => (e.GetProperty("port").GetInt32(), e.GetProperty("classification").GetString()!)).OrderByDescending(p => p.Item1));
        Assert.All(exported, e => Assert.Equal(("port-opened", "branch-gw"), (e.GetProperty("type").GetString(), e.GetProperty("device").GetString())));

        // The device's report: a period the API refuses is marked at its field; the HTML download holds both changes, classified.
        await browser.OpenAsync("/reports");
        var reportForm = page.Locator("form[data-form=report]");
        await reportForm.GetByLabel("From").FillAsync("someday");
        await reportForm.GetByRole(AriaRole.Button, new() { Name = "Download report" }).ClickAsync();
        await Expect(reportForm.Locator("[data-field=from] .field-error")).ToContainTextAsync("someday");
        await reportForm.GetByLabel("Device").SelectOptionAsync(new SelectOptionValue { Label = "branch-gw" });
        await reportForm.GetByLabel("From").FillAsync("-1d");
        var changes = await ReportChangesAsync(page, reportForm, "branch-gw");
        Assert.Equal(["port-opened tcp/443 planned CHG-42", "port-opened tcp/80 unplanned "], changes.Order(StringComparer.Ordinal));
        await browser.CheckAccessibilityAsync();
        await browser.ScreenshotAsync("08-reports");

        // The window shows the event it covered; the device page shows the planned change too.
        await browser.OpenAsync("/planned");
        await Expect(page.Locator("tr[data-reference=CHG-42] td[data-covered]")).ToHaveAttributeAsync("data-covered", "1");
        await browser.CheckAccessibilityAsync();
        await browser.ScreenshotAsync("09-planned");
        await page.GotoAsync(deviceUrl);
        await Expect(page.Locator("table[data-table=history] tr[data-port='443'] [data-classification]")).ToHaveTextAsync("planned · CHG-42");

        // Agents: listed online; a new enrolment token is shown once.
        await browser.OpenAsync("/agents");
        await Expect(page.Locator("tr[data-agent=branch]")).ToContainTextAsync("online");
        await page.GetByLabel("Note").FillAsync("second site");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create enrolment token" }).ClickAsync();
        await Expect(page.GetByLabel("Enrolment token", new() { Exact = true })).ToHaveValueAsync(new Regex("^pwe_"));
        await Expect(page.Locator("table[data-table=tokens] tr[data-token]")).ToHaveCountAsync(2);
        await browser.CheckAccessibilityAsync();
        await browser.ScreenshotAsync("10-agents");

        // Keyboard first: the first Tab reaches the skip link, which moves focus to the content.
        await browser.OpenAsync("/");
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.Locator(".skip-link")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("main")).ToBeFocusedAsync();

        // A phone-sized screen: nothing wider than the screen but the scrollable tables.
        await page.SetViewportSizeAsync(390, 844);
        foreach (var (path, name) in new[] { ("/", "11-overview-narrow"), ("/trackers", "12-trackers-narrow") })
        {
            await browser.OpenAsync(path);
            Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), $"{path} is wider than a 390 px screen");
            await browser.ScreenshotAsync(name);
        }

        Assert.Empty(browser.Errors);
        Assert.Empty(browser.AccessibilityProblems);
    }

    /// <summary>Clicks the tracker's "Run now" and waits until the page reports that run finished (the n-th run asked for on this page).</summary>
    internal static async Task RunAsync(Browser browser, string tracker, int finishedRuns)
    {
        var page = browser.Page;
        await page.GetByRole(AriaRole.Button, new() { Name = $"Run {tracker} now" }).First.ClickAsync();
        await Expect(page.Locator($"[data-tracker-status='{tracker}']")).ToHaveAttributeAsync("data-runs-finished", finishedRuns.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    internal static Regex LoginUrl() => LoginPattern();

    private static async Task<string[]> DownloadAsync(IPage page, string format)
    {
        var path = await SaveDownloadAsync(page, () => page.Locator($"[data-export={format}]").ClickAsync(), "events." + format);
        return (await File.ReadAllLinesAsync(path, Cancel)).Where(line => line.Length > 0).ToArray();
    }

    /// <summary>Downloads the HTML report and reads the change rows of the device's section: "type protocol/port classification reference".</summary>
    private static async Task<string[]> ReportChangesAsync(IPage page, ILocator form, string device)
    {
        var path = await SaveDownloadAsync(page, () => form.GetByRole(AriaRole.Button, new() { Name = "Download report" }).ClickAsync(), "report.html");
        // The report is XHTML, so an XML reader takes it apart.
        var html = XDocument.Load(path);
        var section = html.Descendants().Single(e => e.Name.LocalName == "section" && (string?)e.Attribute("data-device") == device);
        var table = section.Descendants().Single(e => e.Name.LocalName == "table" && ((string?)e.Attribute("class") ?? "").Split(' ').Contains("changes"));
        return table.Descendants().Where(e => e.Name.LocalName == "tbody").Elements().Select(row => row.Elements().Select(cell => cell.Value).ToArray())
            .Select(r => $"{r[1]} {r[3]} {r[5]} {r[6]}").ToArray();
    }

    /// <summary>Clicks what starts a download, checks the file is named with the expected extension, and keeps it among the test artifacts.</summary>
    private static async Task<string> SaveDownloadAsync(IPage page, Func<Task> click, string fileName)
    {
        var download = await page.RunAndWaitForDownloadAsync(click);
        Assert.EndsWith(Path.GetExtension(fileName), download.SuggestedFilename, StringComparison.Ordinal);
        var path = Path.Combine(Browser.ArtifactDirectory, "exports", fileName);
        await download.SaveAsAsync(path);
        return path;
    }

    [GeneratedRegex("/login\\?ReturnUrl=")]
    private static partial Regex LoginPattern();
}
