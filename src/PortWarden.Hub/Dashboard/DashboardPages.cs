using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.FileProviders;
using PortWarden.Hub.Auth;

namespace PortWarden.Hub.Dashboard;

/// <summary>
/// The web dashboard: a page shell for each route (session of an admin or viewer required) that loads small JavaScript modules
/// calling the /api/v1 JSON API; its scripts and styles are embedded in this assembly and served from /assets.
/// </summary>
public static class DashboardPages
{
    /// <summary>The dashboard's routes; the shell is the same for each, the script renders the page the path names.</summary>
    public static readonly IReadOnlyList<string> Routes = ["/", "/devices/{id:long}", "/events", "/planned", "/trackers", "/reports", "/agents", "/users"];

    /// <summary>Only pages may answer an unauthenticated request with a redirect to the login page; everything else answers 401.</summary>
    public static bool IsPage(PathString path) =>
        !path.StartsWithSegments("/api") && !path.StartsWithSegments("/assets") && !path.StartsWithSegments("/metrics") && !path.StartsWithSegments("/openapi");

    public static void Map(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = new EmbeddedFileProvider(typeof(DashboardPages).Assembly, "PortWarden.Hub.Dashboard.wwwroot"),
            RequestPath = "/assets",
            OnPrepareResponse = asset => asset.Context.Response.Headers.CacheControl = "no-cache",
        });

        foreach (var route in Routes)
        {
            app.MapGet(route, (HttpContext context, IAntiforgery antiforgery) => Shell(context, antiforgery))
                .RequireAuthorization(HubPolicies.SignedIn)
                .ExcludeFromDescription();
        }

        LoginEndpoints.Map(app);
    }

    /// <summary>Headers for every page: no framing, no inline or foreign scripts, no caching of pages that show data.</summary>
    public static void Secure(HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Headers.ContentSecurityPolicy =
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers.CacheControl = "no-store";
    }

    private static IResult Shell(HttpContext context, IAntiforgery antiforgery)
    {
        var token = HtmlEncoder.Default.Encode(antiforgery.GetAndStoreTokens(context).RequestToken ?? "");
        // Viewers get pages without the controls that change something (the API refuses them anyway).
        var role = context.User.IsInRole(HubAuthentication.AdminRole) ? HubAuthentication.AdminRole : HubPolicies.ViewerRole;
        var who = HtmlEncoder.Default.Encode($"{context.User.Identity?.Name} ({role})");
        var usersLink = role == HubAuthentication.AdminRole ? """<li><a href="/users">Users</a></li>""" : "";
        Secure(context.Response);
        return Results.Content($$"""
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <meta name="viewport" content="width=device-width, initial-scale=1">
              <meta name="csrf-token" content="{{token}}">
              <title>PortWarden</title>
              <link rel="stylesheet" href="/assets/app.css">
              <script type="module" src="/assets/app.js"></script>
            </head>
            <body data-role="{{role}}">
              <a class="skip-link" href="#main">Skip to content</a>
              <header class="top">
                <a class="brand" href="/">PortWarden</a>
                <nav aria-label="Main">
                  <ul>
                    <li><a href="/">Overview</a></li>
                    <li><a href="/events">Events</a></li>
                    <li><a href="/planned">Planned changes</a></li>
                    <li><a href="/trackers">Trackers and devices</a></li>
                    <li><a href="/reports">Reports</a></li>
                    <li><a href="/agents">Agents</a></li>
                    {{usersLink}}
                  </ul>
                </nav>
                <form method="post" action="/logout" class="logout">
                  <span class="who">Logged in as {{who}}</span>
                  <input type="hidden" name="__RequestVerificationToken" value="{{token}}">
                  <button type="submit" class="secondary">Log out</button>
                </form>
              </header>
              <main id="main" tabindex="-1"><p class="loading">Loading…</p></main>
              <div id="announcer" class="visually-hidden" role="status" aria-live="polite"></div>
            </body>
            </html>
            """, "text/html; charset=utf-8");
    }
}
