using System.Globalization;
using System.Security.Claims;
using PortWarden.Core.Users;

namespace PortWarden.Hub.Auth;

/// <summary>What a user's session cookie carries: name and role (as every session does), plus the user's id and revision.</summary>
public static class UserClaims
{
    public const string UserIdClaim = "user_id";
    public const string RevisionClaim = "user_revision";

    public static IEnumerable<Claim> For(HubUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        yield return new Claim(ClaimTypes.Name, user.Name);
        yield return new Claim(ClaimTypes.Role, user.Role.Name());
        yield return new Claim(UserIdClaim, user.Id.ToString(CultureInfo.InvariantCulture));
        yield return new Claim(RevisionClaim, user.Revision.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>The user a session belongs to, or null for a session of the admin key (which has no user).</summary>
    public static (string Name, long Id, long Revision)? Read(ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        return principal.FindFirstValue(ClaimTypes.Name) is { } name
            && long.TryParse(principal.FindFirstValue(UserIdClaim), CultureInfo.InvariantCulture, out var id)
            && long.TryParse(principal.FindFirstValue(RevisionClaim), CultureInfo.InvariantCulture, out var revision)
            ? (name, id, revision)
            : null;
    }
}
