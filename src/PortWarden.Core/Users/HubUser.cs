namespace PortWarden.Core.Users;

/// <summary>
/// A person who logs in to the hub with a name and password. <see cref="Revision"/> grows with every change
/// (role, password, disabling): a session remembers the revision it began with and ends when it differs.
/// </summary>
public sealed record HubUser(long Id, string Name, UserRole Role, DateTimeOffset CreatedAt, bool Disabled, long Revision);

/// <summary>What a user may do: <see cref="Admin"/> everything the admin key can; <see cref="Viewer"/> only read.</summary>
public enum UserRole
{
    Admin,
    Viewer,
}

/// <summary>Changes to a user; null leaves that part as it is.</summary>
public sealed record UserChange
{
    public UserRole? Role { get; init; }

    public bool? Disabled { get; init; }

    public string? PasswordHash { get; init; }
}
