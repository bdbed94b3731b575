using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using PortWarden.Core.Tracking;
using PortWarden.Core.Users;
using PortWarden.Hub.Auth;

namespace PortWarden.Hub.Dashboard;

/// <summary>
/// GET/POST /login (a user's name and password, or the admin key, exchanged for a session cookie) and POST /logout.
/// A failed login says only that the name or password was wrong, is logged, and counts against the client's
/// allowance of attempts (<see cref="LoginRateLimit"/>).
/// </summary>
public static partial class LoginEndpoints
{
    private const string LoggerName = "PortWarden.Hub.Login";

    public static void Map(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet(DashboardAuth.LoginPath, async (HttpContext context, IAntiforgery antiforgery) =>
        {
            var result = await context.AuthenticateAsync(DashboardAuth.CookieScheme).ConfigureAwait(false);
            var returnUrl = LocalUrl(context.Request.Query["ReturnUrl"]);
            return result.Succeeded ? Results.Redirect(returnUrl) : Page(context, antiforgery, returnUrl, null, null, StatusCodes.Status200OK);
        }).AllowAnonymous().ExcludeFromDescription();

        app.MapPost(DashboardAuth.LoginPath, LogInAsync).AllowAnonymous().DisableAntiforgery().RequireRateLimiting(LoginRateLimit.Policy).ExcludeFromDescription();

        // Reached only with a session; the anti-forgery check of session requests guards it.
        app.MapPost("/logout", async (HttpContext context) =>
        {
            await context.SignOutAsync(DashboardAuth.CookieScheme).ConfigureAwait(false);
            return Results.Redirect(DashboardAuth.LoginPath);
        }).RequireAuthorization(HubPolicies.SignedIn).DisableAntiforgery().ExcludeFromDescription();
    }

    /// <summary>The answer once a client has used up its login attempts: the form again, saying when to retry.</summary>
    public static async ValueTask TooManyAttemptsAsync(HttpContext context, RateLimitLease lease)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(lease);
        var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : LoginRateLimit.Window;
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        TooManyAttempts(Logger(context), context.Connection.RemoteIpAddress?.ToString());
        var antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>();
        await Page(context, antiforgery, "/", null, new LoginProblem("form", $"Too many login attempts from your address. Try again in {seconds} seconds."),
            StatusCodes.Status429TooManyRequests).ExecuteAsync(context).ConfigureAwait(false);
    }

    private static async Task<IResult> LogInAsync(
        HttpContext context, IAntiforgery antiforgery, IPortWardenStore store, PasswordHashing passwords, UserSessions sessions)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var returnUrl = LocalUrl(form["ReturnUrl"]);
        var name = form["name"].ToString().Trim();
        IResult Refuse(string field, string message, int status) => Page(context, antiforgery, returnUrl, name, new LoginProblem(field, message), status);

        if (!await antiforgery.IsRequestValidAsync(context).ConfigureAwait(false))
        {
            return Refuse("form", "The form had expired. Log in again.", StatusCodes.Status400BadRequest);
        }

        var key = form["key"].ToString().Trim();
        var password = form["password"].ToString();
        if (key.Length > 0)
        {
            if (!key.StartsWith(Secrets.AdminKeyPrefix, StringComparison.Ordinal) || !await store.IsApiKeyAsync(Secrets.Hash(key), context.RequestAborted).ConfigureAwait(false))
            {
                LoginFailed(Logger(context), "(admin key)", context.Connection.RemoteIpAddress?.ToString(), "not an admin key of this hub");
                return Refuse("key", $"This is not an admin key of this hub (admin keys start with {Secrets.AdminKeyPrefix}).", StatusCodes.Status401Unauthorized);
            }

            await SignInAsync(context, [new Claim(ClaimTypes.Role, HubAuthentication.AdminRole), new Claim(ClaimTypes.Name, "admin")]).ConfigureAwait(false);
            return Results.Redirect(returnUrl);
        }

        if (name.Length == 0)
        {
            return Refuse("name", password.Length == 0 ? "Enter your user name and password, or the admin key." : "Enter your user name.", StatusCodes.Status400BadRequest);
        }

        if (password.Length == 0)
        {
            return Refuse("password", "Enter your password.", StatusCodes.Status400BadRequest);
        }

        var found = UserRules.NameProblem(name) is null && password.Length <= UserRules.MaximumPasswordLength
            ? await store.FindUserAsync(name, context.RequestAborted).ConfigureAwait(false)
            : null;
        // Unknown names are checked against a decoy hash: the answer takes as long as for a known name.
        var (matches, rehash) = passwords.Verify(found?.PasswordHash, password);
        if (found is not { User: var user } || !matches || user.Disabled)
        {
            var reason = found is null ? "no such user" : !matches ? "wrong password" : "user disabled";
            // Only names that could be users' reach the log: nothing typed there can forge a log line.
            LoginFailed(Logger(context), UserRules.NameProblem(name) is null ? name : "(not a user name)", context.Connection.RemoteIpAddress?.ToString(), reason);
            return Refuse("password", "The user name or password is wrong.", StatusCodes.Status401Unauthorized);
        }

        if (rehash)
        {
            // The hash was made with weaker settings than today's: store a new one while the password is at hand.
            user = await store.UpdateUserAsync(user.Name, new UserChange { PasswordHash = passwords.Hash(password) }, context.RequestAborted).ConfigureAwait(false) ?? user;
            sessions.Forget(user.Name);
        }

        var (logger, role, address) = (Logger(context), user.Role.Name(), context.Connection.RemoteIpAddress?.ToString());
        LoggedIn(logger, user.Name, role, address);

        await SignInAsync(context, UserClaims.For(user)).ConfigureAwait(false);
        return Results.Redirect(returnUrl);
    }

    private static Task SignInAsync(HttpContext context, IEnumerable<Claim> claims) =>
        context.SignInAsync(DashboardAuth.CookieScheme, new ClaimsPrincipal(new ClaimsIdentity(claims, DashboardAuth.CookieScheme)));

    private static ILogger Logger(HttpContext context) => context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(LoggerName);

    /// <summary>Where to go after login: a path on this hub, never another site.</summary>
    private static string LocalUrl(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) ? url : "/";

    private static IResult Page(HttpContext context, IAntiforgery antiforgery, string returnUrl, string? name, LoginProblem? problem, int status)
    {
        var encode = HtmlEncoder.Default;
        var token = encode.Encode(antiforgery.GetAndStoreTokens(context).RequestToken ?? "");
        string Error(string field) => problem?.Field == field
            ? $"""<p id="{field}-error" class="field-error">{encode.Encode(problem.Message)}</p>"""
            : "";
        string Described(string field, string? hint = null)
        {
            var ids = string.Join(' ', new[] { hint, problem?.Field == field ? $"{field}-error" : null }.OfType<string>());
            return (ids.Length > 0 ? $" aria-describedby=\"{ids}\"" : "") + (problem?.Field == field ? " aria-invalid=\"true\"" : "")
                + (field == (problem?.Field is "password" or "key" ? problem.Field : "name") ? " autofocus" : "");
        }

        var formError = problem?.Field == "form" ? $"""<p class="error-text" role="alert">{encode.Encode(problem.Message)}</p>""" : "";
        DashboardPages.Secure(context.Response);
        return Results.Content($$"""
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <meta name="viewport" content="width=device-width, initial-scale=1">
              <title>Log in · PortWarden</title>
              <link rel="stylesheet" href="/assets/app.css">
            </head>
            <body class="login">
              <main id="main">
                <h1>PortWarden</h1>
                <form method="post" action="/login" class="card">
                  <h2>Log in</h2>
                  {{formError}}
                  <input type="hidden" name="__RequestVerificationToken" value="{{token}}">
                  <input type="hidden" name="ReturnUrl" value="{{encode.Encode(returnUrl)}}">
                  <fieldset>
                    <legend>With your user account</legend>
                    <div class="field">
                      <label for="name">User name</label>
                      <input id="name" name="name" autocomplete="username" value="{{encode.Encode(name ?? "")}}"{{Described("name")}}>
                      {{Error("name")}}
                    </div>
                    <div class="field">
                      <label for="password">Password</label>
                      <input id="password" name="password" type="password" autocomplete="current-password"{{Described("password")}}>
                      {{Error("password")}}
                    </div>
                  </fieldset>
                  <fieldset>
                    <legend>Or with the admin key</legend>
                    <div class="field">
                      <label for="key">Admin key</label>
                      <input id="key" name="key" type="password" autocomplete="off"{{Described("key", "key-hint")}}>
                      <p id="key-hint" class="hint">The hub's admin key (pwk_…), from <code>--admin-key</code> or the hub's admin.key file.</p>
                      {{Error("key")}}
                    </div>
                  </fieldset>
                  <button type="submit">Log in</button>
                </form>
              </main>
            </body>
            </html>
            """, "text/html; charset=utf-8", statusCode: status);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Failed login as '{Name}' from {Address}: {Reason}")]
    private static partial void LoginFailed(ILogger logger, string name, string? address, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a login from {Address}: too many attempts")]
    private static partial void TooManyAttempts(ILogger logger, string? address);

    [LoggerMessage(Level = LogLevel.Information, Message = "'{Name}' ({Role}) logged in from {Address}")]
    private static partial void LoggedIn(ILogger logger, string name, string role, string? address);

    /// <summary>What was wrong with a login, shown next to the field it concerns ("form": above the form).</summary>
    private sealed record LoginProblem(string Field, string Message);
}
