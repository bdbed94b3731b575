using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace PortWarden.Hub.Tests.Dashboard;

/// <summary>Who may see the dashboard and call the API with its session, checked over plain HTTP.</summary>
public sealed class DashboardAccessTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Without_a_session_pages_redirect_to_the_login_page_and_api_calls_are_401()
    {
        await using var hub = await TestHub.StartAsync(cancellationToken: Cancel);
        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = hub.BaseAddress };

        foreach (var page in new[] { "", "events?device=1", "devices/1", "planned", "trackers", "agents" })
        {
            var response = await anonymous.GetAsync(page, Cancel);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal("/login", response.Headers.Location!.AbsolutePath);
            Assert.Equal("/" + page, Uri.UnescapeDataString(response.Headers.Location.Query["?ReturnUrl=".Length..]));
        }

        foreach (var api in new[] { "api/v1/overview", "api/v1/timeline", "api/v1/polls/running", "api/v1/events/export?format=csv", "api/v1/devices" })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(api, Cancel)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("api/v1/planned-changes", new { from = DateTimeOffset.UtcNow }, Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await anonymous.PostAsync("logout", null, Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("login", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("assets/app.css", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("assets/nothing.js", Cancel)).StatusCode);
    }

    [Fact]
    public async Task Only_an_admin_key_logs_in_and_the_login_form_needs_its_token()
    {
        await using var hub = await TestHub.StartAsync(cancellationToken: Cancel);
        var agent = await hub.EnrolAsync("a");
        using var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = hub.BaseAddress };
        var token = DashboardSessions.FormToken(await client.GetStringAsync("login", Cancel));

        async Task<HttpResponseMessage> LogIn(string key, string? formToken, string returnUrl = "/events")
        {
            var fields = new Dictionary<string, string> { ["key"] = key, ["ReturnUrl"] = returnUrl };
            if (formToken is not null)
            {
                fields["__RequestVerificationToken"] = formToken;
            }

            using var form = new FormUrlEncodedContent(fields);
            return await client.PostAsync("login", form, Cancel);
        }

        var wrong = await LogIn("pwk_not-a-key-of-this-hub-0000000000", token);
        var agentCredential = await LogIn(agent.Credential, token);
        var noToken = await LogIn(TestHub.AdminKey, null);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("not an admin key", await wrong.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, agentCredential.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("", Cancel)).StatusCode);

        var offsite = await LogIn(TestHub.AdminKey, token, "//evil.example/");
        Assert.Equal(HttpStatusCode.Redirect, offsite.StatusCode);
        Assert.Equal("/", offsite.Headers.Location!.OriginalString);
        var page = await client.GetAsync("events", Cancel);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("default-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("login", Cancel)).StatusCode);
    }

    [Fact]
    public async Task Session_calls_that_change_something_need_the_anti_forgery_token_and_logout_ends_the_session()
    {
        await using var hub = await TestHub.StartAsync(cancellationToken: Cancel);
        var cookies = new CookieContainer();
        var (session, csrf) = await DashboardSessions.HttpSessionAsync(hub, cookies);
        using var _ = session;

        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync("api/v1/devices", Cancel)).StatusCode);
        var forged = await session.PostAsJsonAsync("api/v1/devices", new { name = "forged", kind = "host", targets = "127.0.0.1" }, Cancel);
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Contains("anti-forgery", await forged.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        using var wrongToken = Json(HttpMethod.Post, "api/v1/devices", """{"name": "forged", "kind": "host", "targets": "127.0.0.1"}""", "CfDJ8-not-a-token");
        Assert.Equal(HttpStatusCode.Forbidden, (await session.SendAsync(wrongToken, Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await session.PostAsync("api/v1/trackers/1/run", null, Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await session.DeleteAsync("api/v1/agents/1", Cancel)).StatusCode);
        Assert.Empty((await hub.GetAsync("api/v1/devices")).EnumerateArray());

        using var genuine = Json(HttpMethod.Post, "api/v1/devices", """{"name": "real", "kind": "host", "targets": "127.0.0.1"}""", csrf);
        Assert.Equal(HttpStatusCode.Created, (await session.SendAsync(genuine, Cancel)).StatusCode);
        // Bearer calls are as before: no token needed.
        Assert.Equal(HttpStatusCode.Created, (await hub.Admin.PostAsJsonAsync("api/v1/devices", new { name = "bearer", kind = "host", targets = "127.0.0.2" }, Cancel)).StatusCode);

        using var logoutWithoutToken = new HttpRequestMessage(HttpMethod.Post, "logout");
        Assert.Equal(HttpStatusCode.Forbidden, (await session.SendAsync(logoutWithoutToken, Cancel)).StatusCode);
        using var logout = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = csrf });
        Assert.Equal(HttpStatusCode.Redirect, (await session.PostAsync("logout", logout, Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await session.GetAsync("api/v1/devices", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await session.GetAsync("", Cancel)).StatusCode);
    }

    private static HttpRequestMessage Json(HttpMethod method, string path, string json, string csrf)
    {
        var request = new HttpRequestMessage(method, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-CSRF-TOKEN", csrf);
        return request;
    }
}
