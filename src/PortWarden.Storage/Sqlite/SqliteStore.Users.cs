using Microsoft.Data.Sqlite;
using PortWarden.Core.Users;
using static PortWarden.Storage.StoredValues;

namespace PortWarden.Storage.Sqlite;

public sealed partial class SqliteStore
{
    private const string UserColumns = "id, name, role, created_at, disabled, revision, password_hash";

    public async Task<HubUser> AddUserAsync(string name, UserRole role, string passwordHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, $"""
            INSERT INTO users (name, role, password_hash, created_at) VALUES ($name, $role, $hash, $now) RETURNING {UserColumns}
            """);
        command.Parameters.AddWithValue("$name", name);
        command.Parameters.AddWithValue("$role", StoredUsers.Role(role));
        command.Parameters.AddWithValue("$hash", passwordHash);
        command.Parameters.AddWithValue("$now", ToUnixMs(now));
        try
        {
            return (await ReadUsersAsync(command, cancellationToken).ConfigureAwait(false)).Single().User;
        }
        catch (SqliteException error) when (error.SqliteErrorCode == 19)
        {
            throw StoredUsers.DuplicateName(name, error);
        }
    }

    public async Task<(HubUser User, string PasswordHash)?> FindUserAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, $"SELECT {UserColumns} FROM users WHERE name = $name");
        command.Parameters.AddWithValue("$name", name);
        return (await ReadUsersAsync(command, cancellationToken).ConfigureAwait(false)) is [var found] ? found : null;
    }

    public async Task<IReadOnlyList<HubUser>> ListUsersAsync(CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, $"SELECT {UserColumns} FROM users ORDER BY name, id");
        return [.. (await ReadUsersAsync(command, cancellationToken).ConfigureAwait(false)).Select(u => u.User)];
    }

    public async Task<HubUser?> UpdateUserAsync(string name, UserChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, $"""
            UPDATE users SET role = COALESCE($role, role), disabled = COALESCE($disabled, disabled),
                password_hash = COALESCE($hash, password_hash), revision = revision + 1
            WHERE name = $name RETURNING {UserColumns}
            """);
        command.Parameters.AddWithValue("$name", name);
        command.Parameters.AddWithValue("$role", change.Role is { } role ? StoredUsers.Role(role) : DBNull.Value);
        command.Parameters.AddWithValue("$disabled", change.Disabled is { } disabled ? (disabled ? 1 : 0) : DBNull.Value);
        command.Parameters.AddWithValue("$hash", ToDb(change.PasswordHash));
        return (await ReadUsersAsync(command, cancellationToken).ConfigureAwait(false)) is [var updated] ? updated.User : null;
    }

    public async Task<bool> RemoveUserAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "DELETE FROM users WHERE name = $name");
        command.Parameters.AddWithValue("$name", name);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    private static async Task<List<(HubUser User, string PasswordHash)>> ReadUsersAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var users = new List<(HubUser, string)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            users.Add((new HubUser(reader.GetInt64(0), reader.GetString(1), StoredUsers.Role(reader.GetString(2)), FromUnixMs(reader.GetInt64(3)),
                reader.GetInt64(4) != 0, reader.GetInt64(5)), reader.GetString(6)));
        }

        return users;
    }
}
