using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using PortWarden.Hub.Auth;

namespace PortWarden.Hub.Dashboard;

/// <summary>
/// Browser sessions beside the API's Bearer credentials: a cookie issued at login with the admin key or a user's name
/// and password, carrying the user and role. Requests
/// that carry an Authorization header are authenticated by the Bearer scheme as before; the others by the
/// cookie. Without either, pages redirect to the login page and API calls answer 401.
/// </summary>
public static class DashboardAuth
{
    /// <summary>The default scheme: Bearer when the request has an Authorization header, otherwise the session cookie.</summary>
    public const string BearerOrCookie = "PortWarden.BearerOrCookie";

    public const string CookieScheme = "PortWarden.Session";

    public const string LoginPath = "/login";

    /// <summary>The header that carries the anti-forgery token of cookie-authenticated API calls that change something.</summary>
    public const string CsrfHeader = "X-CSRF-TOKEN";

    public static AuthenticationBuilder AddDashboardSessions(this AuthenticationBuilder authentication)
    {
        ArgumentNullException.ThrowIfNull(authentication);
        authentication.AddCookie(CookieScheme, cookie =>
        {
            cookie.Cookie.Name = "portwarden-session";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
            cookie.SlidingExpiration = true;
            cookie.LoginPath = LoginPath;
            cookie.Events = new CookieAuthenticationEvents
            {
                OnRedirectToLogin = context => Refuse(context, StatusCodes.Status401Unauthorized),
                OnRedirectToAccessDenied = context => Refuse(context, StatusCodes.Status403Forbidden),
                OnValidatePrincipal = EndStaleUserSessionAsync,
            };
        });
        authentication.AddPolicyScheme(BearerOrCookie, "Bearer credential or dashboard session", policy =>
            policy.ForwardDefaultSelector = context => context.Request.Headers.Authorization.Count > 0 ? HubAuthentication.SchemeName : CookieScheme);
        authentication.Services.AddAntiforgery(antiforgery =>
        {
            antiforgery.HeaderName = CsrfHeader;
            antiforgery.Cookie.Name = "portwarden-csrf";
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
            antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        return authentication;
    }

    /// <summary>True for requests authenticated by the session cookie (which need anti-forgery checks when they change something).</summary>
    public static bool IsSession(this HttpContext context) =>
        context?.User.Identity is { IsAuthenticated: true, AuthenticationType: CookieScheme };

    /// <summary>A user's session ends when the user is removed, disabled or changed (see <see cref="UserSessions"/>).</summary>
    private static async Task EndStaleUserSessionAsync(CookieValidatePrincipalContext context)
    {
        var sessions = context.HttpContext.RequestServices.GetRequiredService<UserSessions>();
        if (context.Principal is { } principal && !await sessions.IsCurrentAsync(principal, context.HttpContext.RequestAborted).ConfigureAwait(false))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieScheme).ConfigureAwait(false);
        }
    }

    /// <summary>Pages go to the login page; API calls (and anything else not a page) get the status code.</summary>
    private static Task Refuse(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (status == StatusCodes.Status401Unauthorized && DashboardPages.IsPage(context.Request.Path))
        {
            context.Response.Redirect(context.RedirectUri);
        }
        else
        {
            context.Response.StatusCode = status;
        }

        return Task.CompletedTask;
    }
}
