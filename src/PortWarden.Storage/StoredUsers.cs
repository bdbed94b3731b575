using PortWarden.Core.Tracking;
using PortWarden.Core.Users;

namespace PortWarden.Storage;

/// <summary>How both stores write users' roles, and the error both give for a name that is taken.</summary>
internal static class StoredUsers
{
    public static string Role(UserRole role) => role.Name();

    public static UserRole Role(string stored) =>
        UserRules.ParseRole(stored) ?? throw new StoreException($"unknown user role '{stored}' in the database");

    public static StoreException DuplicateName(string name, Exception error) => new($"a user named '{name}' exists already", error);
}
