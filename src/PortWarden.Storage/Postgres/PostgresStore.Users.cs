using Npgsql;
using PortWarden.Core.Users;

namespace PortWarden.Storage.Postgres;

public sealed partial class PostgresStore
{
    private const string UserColumns = "id, name, role, created_at, disabled, revision, password_hash";

    public async Task<HubUser> AddUserAsync(string name, UserRole role, string passwordHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, $"""
            INSERT INTO users (name, role, password_hash, created_at) VALUES (@name, @role, @hash, @now) RETURNING {UserColumns}
            """);
        command.Add("name", name);
        command.Add("role", StoredUsers.Role(role));
        command.Add("hash", passwordHash);
        command.Add("now", now);
        try
        {
            return (await ReadUsersAsync(command, cancellationToken).ConfigureAwait(false)).Single().User;
        }
        catch (PostgresException error) when (error.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw StoredUsers.DuplicateName(name, error);
        }
    }

    public async Task<(HubUser User, string PasswordHash)?> FindUserAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, $"SELECT {UserColumns} FROM users WHERE lower(name) = lower(@name)");
        command.Add("name", name);
        return (await ReadUsersAsync(command, cancellationToken).ConfigureAwait(false)) is [var found] ? found : null;
    }

    public async Task<IReadOnlyList<HubUser>> ListUsersAsync(CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, $"SELECT {UserColumns} FROM users ORDER BY lower(name), id");
        return [.. (await ReadUsersAsync(command, cancellationToken).ConfigureAwait(false)).Select(u => u.User)];
    }

    public async Task<HubUser?> UpdateUserAsync(string name, UserChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, $"""
            UPDATE users SET role = COALESCE(@role, role), disabled = COALESCE(@disabled, disabled),
                password_hash = COALESCE(@hash, password_hash), revision = revision + 1
            WHERE lower(name) = lower(@name) RETURNING {UserColumns}
            """);
        command.Add("name", name);
        command.Add("role", change.Role is { } role ? StoredUsers.Role(role) : null);
        command.Parameters.Add(new NpgsqlParameter("disabled", NpgsqlTypes.NpgsqlDbType.Boolean) { Value = change.Disabled is { } disabled ? disabled : DBNull.Value });
        command.Add("hash", change.PasswordHash);
        return (await ReadUsersAsync(command, cancellationToken).ConfigureAwait(false)) is [var updated] ? updated.User : null;
    }

    public async Task<bool> RemoveUserAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "DELETE FROM users WHERE lower(name) = lower(@name)");
        command.Add("name", name);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    private static async Task<List<(HubUser User, string PasswordHash)>> ReadUsersAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var users = new List<(HubUser, string)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            users.Add((new HubUser(reader.GetInt64(0), reader.GetString(1), StoredUsers.Role(reader.GetString(2)), reader.GetInstant(3),
                reader.GetBoolean(4), reader.GetInt64(5)), reader.GetString(6)));
        }

        return users;
    }
}
