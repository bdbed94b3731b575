using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using PortWarden.Core.Users;
using PortWarden.Hub.Auth;
using PortWarden.Hub.Dashboard;
using PortWarden.Hub.Tests.Dashboard;

namespace PortWarden.Hub.Tests;

/// <summary>/api/v1/users, and what users' sessions may do: admins everything, viewers only read.</summary>
public sealed class UsersApiTests
{
    private const string Password = "viewer password 1";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Admins_create_list_change_and_remove_users_and_no_answer_carries_a_password_or_hash()
    {
        await using var hub = await TestHub.StartAsync(cancellationToken: Cancel);

        var created = await hub.Admin.PostAsJsonAsync("api/v1/users", new { name = "Vera", password = Password }, Cancel);
        var changed = await hub.Admin.PutAsJsonAsync("api/v1/users/vera", new { role = "admin", disabled = true, password = "another password" }, Cancel);
        var listed = await hub.Admin.GetStringAsync("api/v1/users", Cancel);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/api/v1/users/Vera", created.Headers.Location!.OriginalString);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal(["createdAt", "disabled", "name", "role"], body.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(("Vera", "viewer", false), (body.GetProperty("name").GetString(), body.GetProperty("role").GetString(), body.GetProperty("disabled").GetBoolean()));
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var user = Assert.Single(JsonDocument.Parse(listed).RootElement.EnumerateArray());
        Assert.Equal(("admin", true), (user.GetProperty("role").GetString(), user.GetProperty("disabled").GetBoolean()));
        foreach (var text in new[] { listed, await changed.Content.ReadAsStringAsync(Cancel) })
        {
            Assert.DoesNotContain("password", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("hash", text, StringComparison.OrdinalIgnoreCase);
        }

        var stored = (await hub.Store.FindUserAsync("vera", Cancel))!.Value;
        Assert.True(new PasswordHashing().Verify(stored.PasswordHash, "another password").Matches);

        Assert.Equal(HttpStatusCode.NoContent, (await hub.Admin.DeleteAsync("api/v1/users/VERA", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await hub.Admin.DeleteAsync("api/v1/users/vera", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await hub.Admin.PutAsJsonAsync("api/v1/users/vera", new { disabled = false }, Cancel)).StatusCode);
        Assert.Equal("[]", await hub.Admin.GetStringAsync("api/v1/users", Cancel));
    }

    [Fact]
    public async Task Invalid_users_are_400_naming_each_field_and_nothing_is_stored()
    {
        await using var hub = await TestHub.StartAsync(cancellationToken: Cancel);
        await hub.PostAsync<JsonElement>("api/v1/users", new { name = "taken", password = Password });

        var bad = await Problem(await hub.Admin.PostAsJsonAsync("api/v1/users", new { name = "bad name", role = "root", password = "short" }, Cancel));
        var duplicate = await Problem(await hub.Admin.PostAsJsonAsync("api/v1/users", new { name = "TAKEN", password = Password }, Cancel));
        var missing = await Problem(await hub.Admin.PostAsJsonAsync("api/v1/users", new { }, Cancel));
        var badChange = await Problem(await hub.Admin.PutAsJsonAsync("api/v1/users/taken", new { name = "other", role = "owner", password = "short" }, Cancel));
        var unknownField = await Problem(await hub.Admin.PostAsJsonAsync("api/v1/users", new { name = "x", password = Password, passwordHash = "x" }, Cancel));

        Assert.Equal("user name 'bad name' has ' ' at position 4: use letters, digits and . _ - @", Error(bad, "name"));
        Assert.Equal("'root' is not a role; use admin or viewer", Error(bad, "role"));
        Assert.Equal("the password has 5 characters; use at least 12", Error(bad, "password"));
        Assert.Equal("a user named 'taken' exists already", Error(duplicate, "name"));
        Assert.Equal(("a user name is required", "a password is required"), (Error(missing, "name"), Error(missing, "password")));
        Assert.Equal(["name", "password", "role"], badChange.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order());
        Assert.Contains("passwordHash", unknownField.GetRawText(), StringComparison.Ordinal);
        var only = Assert.Single(await hub.Store.ListUsersAsync(Cancel));
        Assert.Equal(("taken", UserRole.Viewer, 1L), (only.Name, only.Role, only.Revision));
    }

    [Fact]
    public async Task A_viewer_session_reads_everything_but_every_change_is_403_even_with_the_anti_forgery_token()
    {
        await using var hub = await TestHub.StartAsync(cancellationToken: Cancel);
        var device = await hub.DeviceAsync("web", "127.0.0.1");
        var tracker = await hub.TrackerAsync(device, "web-ports");
        await hub.PostAsync<JsonElement>("api/v1/users", new { name = "viewer", password = Password });
        await hub.PostAsync<JsonElement>("api/v1/users", new { name = "boss", role = "admin", password = Password });
        var (viewer, viewerCsrf) = await DashboardSessions.UserSessionAsync(hub, new CookieContainer(), "VIEWER", Password);
        var (boss, bossCsrf) = await DashboardSessions.UserSessionAsync(hub, new CookieContainer(), "boss", Password);
        using var _ = viewer;
        using var __ = boss;

        foreach (var path in new[] { "api/v1/devices", $"api/v1/devices/{device}/baseline", "api/v1/trackers", "api/v1/events", "api/v1/overview", "api/v1/planned-changes", "api/v1/agents", "api/v1/alert-rules" })
        {
            Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync(path, Cancel)).StatusCode);
        }

        foreach (var page in new[] { "", "events", "trackers", $"devices/{device}" })
        {
            var shell = await viewer.GetAsync(page, Cancel);
            Assert.Equal(HttpStatusCode.OK, shell.StatusCode);
            Assert.Contains("<body data-role=\"viewer\">", await shell.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        }

        var changes = new (HttpMethod Method, string Path, string? Json)[]
        {
            (HttpMethod.Post, "api/v1/devices", """{"name": "new", "kind": "host", "targets": "127.0.0.2"}"""),
            (HttpMethod.Put, $"api/v1/devices/{device}", """{"name": "web", "kind": "host", "targets": "127.0.0.3"}"""),
            (HttpMethod.Post, $"api/v1/trackers/{tracker}/run", null),
            (HttpMethod.Delete, $"api/v1/trackers/{tracker}", null),
            (HttpMethod.Post, "api/v1/planned-changes", """{"from": "2026-01-01T00:00:00Z", "to": "2026-01-02T00:00:00Z"}"""),
            (HttpMethod.Post, "api/v1/enrollment-tokens", "{}"),
            (HttpMethod.Post, "api/v1/users", """{"name": "sneaky", "role": "admin", "password": "sneaky password"}"""),
            (HttpMethod.Put, "api/v1/users/viewer", """{"role": "admin"}"""),
        };
        foreach (var (method, path, json) in changes)
        {
            using var request = Request(method, path, json, viewerCsrf);
            Assert.True((await viewer.SendAsync(request, Cancel)).StatusCode == HttpStatusCode.Forbidden, $"{method} {path}");
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.GetAsync("api/v1/users", Cancel)).StatusCode);
        Assert.Equal(UserRole.Viewer, (await hub.Store.FindUserAsync("viewer", Cancel))!.Value.User.Role);
        Assert.Equal(["web"], (await hub.GetAsync("api/v1/devices")).EnumerateArray().Select(d => d.GetProperty("device").GetProperty("name").GetString()));
        Assert.Equal(2, (await hub.Store.ListUsersAsync(Cancel)).Count);

        // An admin user may do what the admin key may (with the session's anti-forgery token).
        using var create = Request(HttpMethod.Post, "api/v1/devices", """{"name": "db", "kind": "host", "targets": "127.0.0.4"}""", bossCsrf);
        Assert.Equal(HttpStatusCode.Created, (await boss.SendAsync(create, Cancel)).StatusCode);
        using var run = Request(HttpMethod.Post, $"api/v1/trackers/{tracker}/run", null, bossCsrf);
        Assert.True((await boss.SendAsync(run, Cancel)).IsSuccessStatusCode);
        Assert.Equal(HttpStatusCode.OK, (await boss.GetAsync("api/v1/users", Cancel)).StatusCode);

        // A viewer may still log out.
        using var logout = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = viewerCsrf });
        Assert.Equal(HttpStatusCode.Redirect, (await viewer.PostAsync("logout", logout, Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await viewer.GetAsync("api/v1/devices", Cancel)).StatusCode);
    }

    [Fact]
    public async Task Agents_cannot_manage_users_and_the_admin_key_still_can()
    {
        await using var hub = await TestHub.StartAsync(cancellationToken: Cancel);
        var agent = await hub.EnrolAsync("a");
        using var client = new HttpClient { BaseAddress = hub.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", agent.Credential);

        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("api/v1/users", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync("api/v1/users", new { name = "a", password = Password }, Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("api/v1/agent/trackers", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await hub.Admin.GetAsync("api/v1/users", Cancel)).StatusCode);
    }

    [Fact]
    public async Task Disabled_users_cannot_log_in_and_a_disabled_or_removed_users_session_ends_at_the_next_request()
    {
        await using var hub = await TestHub.StartAsync(cancellationToken: Cancel);
        await hub.PostAsync<JsonElement>("api/v1/users", new { name = "dana", password = Password });
        await hub.PostAsync<JsonElement>("api/v1/users", new { name = "rex", password = Password });
        var (dana, _) = await DashboardSessions.UserSessionAsync(hub, new CookieContainer(), "dana", Password);
        var (rex, _) = await DashboardSessions.UserSessionAsync(hub, new CookieContainer(), "rex", Password);
        using var d = dana;
        using var r = rex;
        Assert.Equal(HttpStatusCode.OK, (await dana.GetAsync("api/v1/devices", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await rex.GetAsync("", Cancel)).StatusCode);
        // A PUT that changes nothing leaves the sessions alone.
        Assert.Equal(HttpStatusCode.OK, (await hub.Admin.PutAsJsonAsync("api/v1/users/dana", new { name = "dana" }, Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await dana.GetAsync("api/v1/devices", Cancel)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await hub.Admin.PutAsJsonAsync("api/v1/users/dana", new { disabled = true }, Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await hub.Admin.DeleteAsync("api/v1/users/rex", Cancel)).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await dana.GetAsync("api/v1/devices", Cancel)).StatusCode);
        var page = await rex.GetAsync("events", Cancel);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/login", page.Headers.Location!.AbsolutePath);
        // The session cookie is gone: enabling the user again does not bring it back.
        Assert.Equal(HttpStatusCode.OK, (await hub.Admin.PutAsJsonAsync("api/v1/users/dana", new { disabled = false }, Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await dana.GetAsync("api/v1/devices", Cancel)).StatusCode);

        await hub.Admin.PutAsJsonAsync("api/v1/users/dana", new { disabled = true }, Cancel);
        using var refused = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = hub.BaseAddress };
        var login = await LogInAsync(refused, "dana", Password);
        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
        Assert.Contains("The user name or password is wrong.", await login.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_change_made_outside_this_hub_ends_the_session_within_the_recheck_time()
    {
        await using var hub = await TestHub.StartAsync(cancellationToken: Cancel);
        await hub.PostAsync<JsonElement>("api/v1/users", new { name = "olga", password = Password });
        var (olga, _) = await DashboardSessions.UserSessionAsync(hub, new CookieContainer(), "olga", Password);
        using var _ = olga;
        Assert.Equal(HttpStatusCode.OK, (await olga.GetAsync("api/v1/devices", Cancel)).StatusCode);

        // As `portwarden users passwd` or another hub would: straight into the store.
        await hub.Store.UpdateUserAsync("olga", new UserChange { PasswordHash = new PasswordHashing().Hash("a brand new password") }, Cancel);

        var deadline = DateTime.UtcNow + UserSessions.RecheckAfter + TimeSpan.FromSeconds(30);
        HttpStatusCode status;
        do
        {
            status = (await olga.GetAsync("api/v1/devices", Cancel)).StatusCode;
            await Task.Delay(200, Cancel);
        }
        while (status == HttpStatusCode.OK && DateTime.UtcNow < deadline);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task Failed_logins_do_not_say_what_was_wrong_and_are_limited_per_client()
    {
        await using var hub = await TestHub.StartAsync(cancellationToken: Cancel);
        await hub.PostAsync<JsonElement>("api/v1/users", new { name = "gus", password = Password });
        using var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = hub.BaseAddress };

        var wrongPassword = await LogInAsync(client, "gus", "not the password");
        var unknownUser = await LogInAsync(client, "nobody", Password);
        var noPassword = await LogInAsync(client, "gus", "");

        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized), (wrongPassword.StatusCode, unknownUser.StatusCode));
        var (wrongText, unknownText) = (await wrongPassword.Content.ReadAsStringAsync(Cancel), await unknownUser.Content.ReadAsStringAsync(Cancel));
        Assert.Contains("<p id=\"password-error\" class=\"field-error\">The user name or password is wrong.</p>", wrongText, StringComparison.Ordinal);
        Assert.Equal(Without(wrongText, "gus"), Without(unknownText, "nobody"));
        Assert.Equal(HttpStatusCode.BadRequest, noPassword.StatusCode);
        Assert.Contains("Enter your password.", await noPassword.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);

        HttpResponseMessage last;
        var attempts = 3;
        do
        {
            last = await LogInAsync(client, "gus", "guess " + attempts);
            attempts++;
        }
        while (last.StatusCode == HttpStatusCode.Unauthorized && attempts <= LoginRateLimit.AttemptsPerWindow + 1);

        Assert.Equal(HttpStatusCode.TooManyRequests, last.StatusCode);
        Assert.Equal(LoginRateLimit.AttemptsPerWindow + 1, attempts);
        Assert.True(int.Parse(last.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.Contains("Too many login attempts", await last.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        // The right password waits too, while the limit lasts.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await LogInAsync(client, "gus", Password)).StatusCode);
    }

    private static async Task<HttpResponseMessage> LogInAsync(HttpClient client, string name, string password)
    {
        var token = DashboardSessions.FormToken(await client.GetStringAsync("login", Cancel));
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["name"] = name,
            ["password"] = password,
            ["ReturnUrl"] = "/",
        });
        return await client.PostAsync("login", form, Cancel);
    }

    /// <summary>The login page without its per-request parts (anti-forgery token, the name typed in).</summary>
    private static string Without(string html, string name) =>
        System.Text.RegularExpressions.Regex.Replace(html, "value=\"[^\"]*\"", "value=\"\"").Replace(name, "", StringComparison.Ordinal);

    private static async Task<JsonElement> Problem(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
    }

    private static string Error(JsonElement problem, string field) => problem.GetProperty("errors").GetProperty(field)[0].GetString()!;

    private static HttpRequestMessage Request(HttpMethod method, string path, string? json, string csrf)
    {
        var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        request.Headers.Add("X-CSRF-TOKEN", csrf);
        return request;
    }
}
