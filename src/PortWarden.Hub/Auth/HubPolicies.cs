using Microsoft.AspNetCore.Authorization;

namespace PortWarden.Hub.Auth;

/// <summary>
/// Who may call what. The admin key and admin users may do everything (<see cref="HubAuthentication.AdminRole"/>);
/// viewers may read: <see cref="Read"/> lets them through for GET and HEAD only, so any change they ask for is 403.
/// </summary>
public static class HubPolicies
{
    public const string ViewerRole = "viewer";

    /// <summary>Admins for any method; viewers for GET and HEAD.</summary>
    public const string Read = "read";

    /// <summary>Anyone logged in to the dashboard (admin or viewer): its pages and logging out.</summary>
    public const string SignedIn = "signed-in";

    public static AuthorizationBuilder AddHubPolicies(this AuthorizationBuilder authorization)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        return authorization
            .AddPolicy(HubAuthentication.AdminRole, policy => policy.RequireRole(HubAuthentication.AdminRole))
            .AddPolicy(HubAuthentication.AgentRole, policy => policy.RequireRole(HubAuthentication.AgentRole))
            .AddPolicy(SignedIn, policy => policy.RequireRole(HubAuthentication.AdminRole, ViewerRole))
            .AddPolicy(Read, policy => policy.RequireAssertion(context =>
                context.User.IsInRole(HubAuthentication.AdminRole)
                || (context.User.IsInRole(ViewerRole) && context.Resource is HttpContext http
                    && (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method)))));
    }
}
