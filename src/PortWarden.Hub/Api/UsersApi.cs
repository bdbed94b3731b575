using PortWarden.Core.Tracking;
using PortWarden.Core.Users;
using PortWarden.Hub.Auth;

namespace PortWarden.Hub.Api;

/// <summary>
/// /api/v1/users (admins only): people who log in with a name and password, as admins or viewers. Passwords go in,
/// never out: answers carry name, role, disabled and created, not the hash. A change ends the user's sessions.
/// </summary>
public static class UsersApi
{
    public static void Map(RouteGroupBuilder api, TimeProvider time)
    {
        var users = api.MapGroup("/users").WithTags("Users");
        users.MapGet("/", async (IPortWardenStore store, CancellationToken cancellationToken) =>
            (await store.ListUsersAsync(cancellationToken).ConfigureAwait(false)).Select(UserView.Of));

        users.MapPost("/", async (UserInput input, IPortWardenStore store, PasswordHashing passwords, CancellationToken cancellationToken) =>
        {
            var validation = new Validation();
            if (UserRules.NameProblem(input.Name) is { } nameProblem)
            {
                validation.Add("name", nameProblem);
            }
            else if (await store.FindUserAsync(input.Name!, cancellationToken).ConfigureAwait(false) is { } existing)
            {
                validation.Add("name", $"a user named '{existing.User.Name}' exists already");
            }

            var role = ValidateRole(input.Role ?? HubPolicies.ViewerRole, validation);
            if (UserRules.PasswordProblem(input.Password) is { } passwordProblem)
            {
                validation.Add("password", passwordProblem);
            }

            if (input.Disabled is not null)
            {
                validation.Add("disabled", "a new user is enabled; disable them afterwards with PUT");
            }

            if (!validation.IsValid)
            {
                return validation.Problem();
            }

            var user = await store.AddUserAsync(input.Name!, role!.Value, passwords.Hash(input.Password!), time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            return Results.Created($"/api/v1/users/{user.Name}", UserView.Of(user));
        });

        users.MapPut("/{name}", async (string name, UserInput input, IPortWardenStore store, PasswordHashing passwords, UserSessions sessions, CancellationToken cancellationToken) =>
        {
            if (await store.FindUserAsync(name, cancellationToken).ConfigureAwait(false) is not { } existing)
            {
                return NotFound(name);
            }

            var validation = new Validation();
            if (input.Name is not null && !string.Equals(input.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                validation.Add("name", "a user cannot be renamed; remove them and add a user of the new name");
            }

            var role = input.Role is null ? null : ValidateRole(input.Role, validation);
            if (input.Password is not null && UserRules.PasswordProblem(input.Password) is { } passwordProblem)
            {
                validation.Add("password", passwordProblem);
            }

            if (!validation.IsValid)
            {
                return validation.Problem();
            }

            if (input is { Role: null, Disabled: null, Password: null })
            {
                // Nothing to change: the user's sessions go on.
                return Results.Ok(UserView.Of(existing.User));
            }

            var change = new UserChange { Role = role, Disabled = input.Disabled, PasswordHash = input.Password is null ? null : passwords.Hash(input.Password) };
            var updated = await store.UpdateUserAsync(name, change, cancellationToken).ConfigureAwait(false);
            sessions.Forget(name);
            return updated is null ? NotFound(name) : Results.Ok(UserView.Of(updated));
        });

        users.MapDelete("/{name}", async (string name, IPortWardenStore store, UserSessions sessions, CancellationToken cancellationToken) =>
        {
            var removed = await store.RemoveUserAsync(name, cancellationToken).ConfigureAwait(false);
            sessions.Forget(name);
            return removed ? Results.NoContent() : NotFound(name);
        });
    }

    private static UserRole? ValidateRole(string role, Validation validation)
    {
        var parsed = UserRules.ParseRole(role);
        if (parsed is null)
        {
            validation.Add("role", $"'{role}' is not a role; use admin or viewer");
        }

        return parsed;
    }

    private static IResult NotFound(string name) =>
        Results.Problem($"there is no user named '{name}'", statusCode: StatusCodes.Status404NotFound, title: "No such user.");
}

/// <summary>A user as the API shows it: never the password or its hash.</summary>
public sealed record UserView(string Name, string Role, bool Disabled, DateTimeOffset CreatedAt)
{
    public static UserView Of(HubUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return new UserView(user.Name, user.Role.Name(), user.Disabled, user.CreatedAt);
    }
}

/// <summary>A new user (name, role, password) or changes to one (role, disabled, password; what is left out stays).</summary>
public sealed record UserInput(string? Name, string? Role, string? Password, bool? Disabled);
