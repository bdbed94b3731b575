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

    /// <summary>Logs in as a user with name and password, in the browser.</summary>
    public static async Task LogInAsync(Browser browser, string name, string password)
    {
        await browser.Page.GotoAsync("/login");
        await browser.Page.GetByLabel("User name").FillAsync(name);
        await browser.Page.GetByLabel("Password").FillAsync(password);
        await browser.Page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
    }

    /// <summary>A client with a session cookie, and the anti-forgery token the dashboard's pages carry.</summary>
    public static Task<(HttpClient Client, string CsrfToken)> HttpSessionAsync(TestHub hub, CookieContainer cookies) =>
        HttpSessionAsync(hub, cookies, new Dictionary<string, string> { ["key"] = TestHub.AdminKey });

    /// <summary>A client with a session of a user (name and password), and the anti-forgery token the dashboard's pages carry.</summary>
    public static Task<(HttpClient Client, string CsrfToken)> UserSessionAsync(TestHub hub, CookieContainer cookies, string name, string password) =>
        HttpSessionAsync(hub, cookies, new Dictionary<string, string> { ["name"] = name, ["password"] = password });

    private static async Task<(HttpClient Client, string CsrfToken)> HttpSessionAsync(TestHub hub, CookieContainer cookies, Dictionary<string, string> credentials)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = hub.BaseAddress };
        var form = await client.GetStringAsync("login");
        using var login = new FormUrlEncodedContent(new Dictionary<string, string>(credentials)
        {
            ["__RequestVerificationToken"] = FormToken(form),
            ["ReturnUrl"] = "/",
        });
        var response = await client.PostAsync("login", login);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        var shell = await client.GetStringAsync("");
        return (client, MetaToken().Match(shell).Groups[1].Value);
    }

    public static string FormToken(string html) => FormTokenPattern().Match(html).Groups[1].Value;

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex FormTokenPattern();

    [GeneratedRegex("<meta name=\"csrf-token\" content=\"([^\"]+)\">")]
    private static partial Regex MetaToken();
}
