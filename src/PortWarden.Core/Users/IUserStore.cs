namespace PortWarden.Core.Users;

/// <summary>Dashboard and API users. Names are unique regardless of case; passwords are stored only as slow hashes.</summary>
public interface IUserStore
{
    /// <summary>Adds a user; a <see cref="Tracking.StoreException"/> when one of that name (in any case) exists.</summary>
    Task<HubUser> AddUserAsync(string name, UserRole role, string passwordHash, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The user of that name (in any case) with the hash of their password, or null.</summary>
    Task<(HubUser User, string PasswordHash)?> FindUserAsync(string name, CancellationToken cancellationToken);

    /// <summary>Every user, by name.</summary>
    Task<IReadOnlyList<HubUser>> ListUsersAsync(CancellationToken cancellationToken);

    /// <summary>Applies the change and raises the user's revision; null when there is no such user.</summary>
    Task<HubUser?> UpdateUserAsync(string name, UserChange change, CancellationToken cancellationToken);

    /// <summary>Deletes the user; false when there is no such user.</summary>
    Task<bool> RemoveUserAsync(string name, CancellationToken cancellationToken);
}
