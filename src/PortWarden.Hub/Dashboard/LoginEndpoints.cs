using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using PortWarden.Core.Tracking;
using PortWarden.Hub.Auth;

namespace PortWarden.Hub.Dashboard;

/// <summary>GET/POST /login (the admin key, exchanged for a session cookie) and POST /logout.</summary>
public static class LoginEndpoints
{
    public static void Map(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet(DashboardAuth.LoginPath, async (HttpContext context, IAntiforgery antiforgery) =>
        {
            var result = await context.AuthenticateAsync(DashboardAuth.CookieScheme).ConfigureAwait(false);
            var returnUrl = LocalUrl(context.Request.Query["ReturnUrl"]);
            return result.Succeeded ? Results.Redirect(returnUrl) : Page(context, antiforgery, returnUrl, null, StatusCodes.Status200OK);
        }).AllowAnonymous().ExcludeFromDescription();

        app.MapPost(DashboardAuth.LoginPath, async (HttpContext context, IAntiforgery antiforgery, IPortWardenStore store) =>
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
            var returnUrl = LocalUrl(form["ReturnUrl"]);
            if (!await antiforgery.IsRequestValidAsync(context).ConfigureAwait(false))
            {
                return Page(context, antiforgery, returnUrl, "The form had expired. Enter the key again.", StatusCodes.Status400BadRequest);
            }

            var key = form["key"].ToString().Trim();
            if (key.Length == 0)
            {
                return Page(context, antiforgery, returnUrl, "Enter the admin key.", StatusCodes.Status400BadRequest);
            }

            if (!key.StartsWith(Secrets.AdminKeyPrefix, StringComparison.Ordinal) || !await store.IsApiKeyAsync(Secrets.Hash(key), context.RequestAborted).ConfigureAwait(false))
            {
                return Page(context, antiforgery, returnUrl, $"This is not an admin key of this hub (admin keys start with {Secrets.AdminKeyPrefix}).", StatusCodes.Status401Unauthorized);
            }

            var identity = new ClaimsIdentity(
                [new Claim(ClaimTypes.Role, HubAuthentication.AdminRole), new Claim(ClaimTypes.Name, "admin")], DashboardAuth.CookieScheme);
            await context.SignInAsync(DashboardAuth.CookieScheme, new ClaimsPrincipal(identity)).ConfigureAwait(false);
            return Results.Redirect(returnUrl);
        }).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();

        // Reached only with a session; the anti-forgery check of session requests guards it.
        app.MapPost("/logout", async (HttpContext context) =>
        {
            await context.SignOutAsync(DashboardAuth.CookieScheme).ConfigureAwait(false);
            return Results.Redirect(DashboardAuth.LoginPath);
        }).RequireAuthorization(HubAuthentication.AdminRole).DisableAntiforgery().ExcludeFromDescription();
    }

    /// <summary>Where to go after login: a path on this hub, never another site.</summary>
    private static string LocalUrl(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) ? url : "/";

    private static IResult Page(HttpContext context, IAntiforgery antiforgery, string returnUrl, string? error, int status)
    {
        var encode = HtmlEncoder.Default;
        var token = encode.Encode(antiforgery.GetAndStoreTokens(context).RequestToken ?? "");
        var errorHtml = error is null ? "" : $"""<p id="key-error" class="field-error">{encode.Encode(error)}</p>""";
        var described = error is null ? "key-hint" : "key-hint key-error";
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
                  <input type="hidden" name="__RequestVerificationToken" value="{{token}}">
                  <input type="hidden" name="ReturnUrl" value="{{encode.Encode(returnUrl)}}">
                  <div class="field">
                    <label for="key">Admin key</label>
                    <input id="key" name="key" type="password" autocomplete="current-password" required autofocus
                           aria-describedby="{{described}}"{{(error is null ? "" : " aria-invalid=\"true\"")}}>
                    <p id="key-hint" class="hint">The hub's admin key (pwk_…), from <code>--admin-key</code> or the hub's admin.key file.</p>
                    {{errorHtml}}
                  </div>
                  <button type="submit">Log in</button>
                </form>
              </main>
            </body>
            </html>
            """, "text/html; charset=utf-8", statusCode: status);
    }
}
