using System.Net;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace PortWarden.Hub.Tests.Dashboard;

/// <summary>An admin managing users on the dashboard's Users page, in a real browser.</summary>
public sealed class UsersPageTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_admin_adds_a_user_sees_validation_at_the_field_disables_promotes_and_resets_a_password()
    {
        await using var hub = await TestHub.StartAsync(cancellationToken: Cancel);
        await using var browser = await Browser.StartAsync(hub.BaseAddress);
        await browser.RecordFailureAsync("users", () => UsersAsync(browser));
        Assert.Empty(browser.Errors);
        Assert.Empty(browser.AccessibilityProblems);

        var users = (await hub.GetAsync("api/v1/users")).EnumerateArray().ToDictionary(u => u.GetProperty("name").GetString()!);
        Assert.Equal(("admin", true), (users["ana"].GetProperty("role").GetString(), users["ana"].GetProperty("disabled").GetBoolean()));

        // The reset password is the one that works (once enabled again).
        await hub.Store.UpdateUserAsync("ana", new Core.Users.UserChange { Disabled = false }, Cancel);
        await DashboardSessions.UserSessionAsync(hub, new CookieContainer(), "ana", "the second long password");
    }

    private static async Task UsersAsync(Browser browser)
    {
        var page = browser.Page;
        await DashboardSessions.LogInAsync(browser);
        await page.GetByRole(AriaRole.Link, new() { Name = "Users", Exact = true }).ClickAsync();
        await Expect(page.Locator("main[data-ready]")).ToHaveAttributeAsync("data-ready", "true");
        await Expect(page.Locator("table[data-table=users]")).ToContainTextAsync("No users yet");

        // A password the API refuses: the message sits next to the field.
        var form = page.Locator("form[data-form=user]");
        await form.GetByLabel("Name").FillAsync("ana");
        await form.GetByLabel("Password").FillAsync("short");
        await form.GetByRole(AriaRole.Button, new() { Name = "Add user" }).ClickAsync();
        await Expect(form.Locator("[data-field=password] .field-error")).ToContainTextAsync("12");
        await Expect(form.GetByLabel("Password")).ToHaveAttributeAsync("aria-invalid", "true");
        await browser.CheckAccessibilityAsync();
        await browser.ScreenshotAsync("users-01-validation");

        await form.GetByLabel("Password").FillAsync("the first long password");
        await form.GetByRole(AriaRole.Button, new() { Name = "Add user" }).ClickAsync();
        var row = page.Locator("table[data-table=users] tr[data-user=ana]");
        await Expect(row).ToContainTextAsync("viewer");

        await page.GetByRole(AriaRole.Button, new() { Name = "Make ana an admin" }).ClickAsync();
        await Expect(row).ToContainTextAsync("admin");
        await page.GetByRole(AriaRole.Button, new() { Name = "Disable ana" }).ClickAsync();
        await Expect(row.Locator("[data-state]")).ToHaveTextAsync("disabled");

        var reset = page.Locator("form[data-form=password]");
        await reset.GetByLabel("User").SelectOptionAsync("ana");
        await reset.GetByLabel("New password").FillAsync("the second long password");
        await reset.GetByRole(AriaRole.Button, new() { Name = "Set password" }).ClickAsync();
        await Expect(page.Locator("#announcer")).ToContainTextAsync("Password of ana set");
        await browser.CheckAccessibilityAsync();
        await browser.ScreenshotAsync("users-02-list");
    }
}
