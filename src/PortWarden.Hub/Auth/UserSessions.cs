using System.Collections.Concurrent;
using System.Security.Claims;
using PortWarden.Core.Tracking;
using PortWarden.Core.Users;

namespace PortWarden.Hub.Auth;

/// <summary>
/// Keeps users' sessions true to the store: a session lasts only while its user exists, is enabled, and is unchanged
/// since login (same id and revision; a new password, role or disabling raises the revision). Checked on every request
/// against a copy of the user at most <see cref="RecheckAfter"/> old, so a page with many API calls costs one lookup;
/// changes made through this hub's API drop the copy at once, changes made elsewhere (the CLI, another hub) count
/// from the next lookup.
/// </summary>
public sealed class UserSessions(IPortWardenStore store, TimeProvider time)
{
    public static readonly TimeSpan RecheckAfter = TimeSpan.FromSeconds(5);

    // One entry per user name that has presented a valid session: bounded by the number of users.
    private readonly ConcurrentDictionary<string, Lookup> users = new(StringComparer.OrdinalIgnoreCase);

    public async Task<bool> IsCurrentAsync(ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        if (UserClaims.Read(principal) is not { } claimed)
        {
            return true;
        }

        var user = await FindAsync(claimed.Name, cancellationToken).ConfigureAwait(false);
        return user is { Disabled: false } && user.Id == claimed.Id && user.Revision == claimed.Revision;
    }

    /// <summary>Drops the remembered copy of a user after a change, so their next request sees it.</summary>
    public void Forget(string name) => users.TryRemove(name, out _);

    private async Task<HubUser?> FindAsync(string name, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (users.TryGetValue(name, out var known) && now - known.At < RecheckAfter)
        {
            return known.User;
        }

        var found = await store.FindUserAsync(name, cancellationToken).ConfigureAwait(false);
        users[name] = new Lookup(found?.User, now);
        return found?.User;
    }

    private sealed record Lookup(HubUser? User, DateTimeOffset At);
}
