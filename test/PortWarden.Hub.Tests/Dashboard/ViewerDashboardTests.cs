using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using PortWarden.NetLab;
using static Microsoft.Playwright.Assertions;

namespace PortWarden.Hub.Tests.Dashboard;

/// <summary>A viewer (a user with the read-only role) using the dashboard in a real browser.</summary>
public sealed partial class ViewerDashboardTests
{
    private const string Password = "a viewer's long password";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_viewer_reads_every_page_without_change_controls_is_refused_changes_and_is_logged_out_once_disabled()
    {
        await using var hub = await TestHub.StartAsync(cancellationToken: Cancel);
        var (agent, _, tracker) = await DashboardApiTests.SetUpAsync(hub);
        await DashboardApiTests.UploadAsync(hub, agent, tracker, 22);
        await DashboardApiTests.UploadAsync(hub, agent, tracker, 22, 8080);
        await hub.PostAsync<JsonElement>("api/v1/users", new { name = "vic", role = "viewer", password = Password });
        await using var browser = await Browser.StartAsync(hub.BaseAddress);
        await browser.RecordFailureAsync("viewer", () => ViewerAsync(browser, hub, tracker));
        Assert.Empty(browser.Errors);
        Assert.Empty(browser.AccessibilityProblems);
    }

    private static async Task ViewerAsync(Browser browser, TestHub hub, long tracker)
    {
        var page = browser.Page;

        // A wrong password: one message for name and password alike, next to the password field.
        await DashboardSessions.LogInAsync(browser, "vic", "not the password at all");
        await Expect(page.Locator("#password-error")).ToHaveTextAsync("The user name or password is wrong.");
        await Expect(page.GetByLabel("Password")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.GetByLabel("Password")).ToBeFocusedAsync();
        await Expect(page.GetByLabel("User name")).ToHaveValueAsync("vic");
        await browser.CheckAccessibilityAsync();
        await browser.ScreenshotAsync("viewer-01-wrong-password");

        await DashboardSessions.LogInAsync(browser, "vic", Password);
        await Expect(page.Locator("main[data-ready]")).ToHaveAttributeAsync("data-ready", "true");
        await Expect(page.Locator("header")).ToContainTextAsync("Logged in as vic (viewer)");
        await Expect(page.Locator("main")).ToContainTextAsync("host");
        await browser.CheckAccessibilityAsync();
        await browser.ScreenshotAsync("viewer-02-overview");

        await browser.OpenAsync("/events");
        await Expect(page.Locator("table[data-table=events] tr[data-port='8080'][data-type=port-opened]")).ToHaveCountAsync(1);
        await browser.CheckAccessibilityAsync();
        await browser.ScreenshotAsync("viewer-03-events");

        // No control that would change something, on any page.
        foreach (var path in new[] { "/trackers", "/devices/1", "/planned", "/agents" })
        {
            await browser.OpenAsync(path);
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Save" })).ToHaveCountAsync(0);
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Run" })).ToHaveCountAsync(0);
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Delete" })).ToHaveCountAsync(0);
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Edit" })).ToHaveCountAsync(0);
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Revoke" })).ToHaveCountAsync(0);
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Create enrolment token" })).ToHaveCountAsync(0);
        }

        // Users are for admins: no link, and the page says so.
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Users", Exact = true })).ToHaveCountAsync(0);
        await browser.OpenAsync("/users");
        await Expect(page.Locator("main")).ToContainTextAsync("Only admins manage users.");

        await browser.OpenAsync("/trackers");
        await Expect(page.Locator("table[data-table=trackers] tr[data-tracker=tcp]")).ToBeVisibleAsync();
        await browser.CheckAccessibilityAsync();
        await browser.ScreenshotAsync("viewer-04-trackers-read-only");

        // Calling the API directly from the page, with the session and its anti-forgery token, is refused.
        var status = await page.EvaluateAsync<int>(
            """
            async tracker => (await fetch(`/api/v1/trackers/${tracker}/run`, {
              method: 'POST',
              headers: { 'X-CSRF-TOKEN': document.querySelector('meta[name="csrf-token"]').content },
              credentials: 'same-origin',
            })).status
            """, tracker);
        Assert.Equal(403, status);

        // Disabled from the command line (another process): the next page load after the hub rechecks the user is the login page.
        var (code, output, error) = await CliProcess.FinishAsync(CliProcess.Start("users", "disable", "vic", "--db", hub.DatabasePath), TimeSpan.FromSeconds(60), Cancel);
        Assert.True(code == 0, $"{output}{error}");
        var deadline = DateTime.UtcNow + Auth.UserSessions.RecheckAfter + TimeSpan.FromSeconds(30);
        do
        {
            await page.GotoAsync("/events");
        }
        while (!LoginPattern().IsMatch(page.Url) && DateTime.UtcNow < deadline && await Delay());

        await Expect(page).ToHaveURLAsync(LoginPattern());
        await browser.ScreenshotAsync("viewer-05-disabled-back-at-login");
        await DashboardSessions.LogInAsync(browser, "vic", Password);
        await Expect(page.Locator("#password-error")).ToHaveTextAsync("The user name or password is wrong.");
    }

    private static async Task<bool> Delay()
    {
        await Task.Delay(500, Cancel);
        return true;
    }

    [GeneratedRegex("/login\\?ReturnUrl=")]
    private static partial Regex LoginPattern();
}
