using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace PortWarden.Hub.Tests.Dashboard;

/// <summary>Logging in to the dashboard: in the browser, or with an HttpClient that keeps cookies (form token included).</summary>
internal static partial class DashboardSessions
{
    public static async Task LogInAsync(Browser browser)
    {
        await browser.Page.GotoAsync("/login");
        await browser.Page.GetByLabel("Admin key").FillAsync(TestHub.AdminKey);
        await browser.Page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Expect(browser.Page.Locator("main[data-ready]")).ToHaveAttributeAsync("data-ready", "true");
    }

    /// <summary>A client with a session cookie, and the anti-forgery token the dashboard's pages carry.</summary>
    public static async Task<(HttpClient Client, string CsrfToken)> HttpSessionAsync(TestHub hub, CookieContainer cookies)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = hub.BaseAddress };
        var form = await client.GetStringAsync("login");
        using var login = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = FormToken(form),
            ["key"] = TestHub.AdminKey,
            ["ReturnUrl"] = "/",
        });
        var response = await client.PostAsync("login", login);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var shell = await client.GetStringAsync("");
        return (client, MetaToken().Match(shell).Groups[1].Value);
    }

    public static string FormToken(string html) => FormTokenPattern().Match(html).Groups[1].Value;

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex FormTokenPattern();

    [GeneratedRegex("<meta name=\"csrf-token\" content=\"([^\"]+)\">")]
    private static partial Regex MetaToken();
}
