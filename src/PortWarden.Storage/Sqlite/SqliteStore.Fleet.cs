using Microsoft.Data.Sqlite;
using PortWarden.Core.Fleet;
using static PortWarden.Storage.StoredValues;

namespace PortWarden.Storage.Sqlite;

public sealed partial class SqliteStore
{
    private const string AgentColumns = "id, name, hostname, enrolled_at, last_seen_at, revoked_at, version, credential_hash";

    public async Task<long> AddApiKeyAsync(string name, string keyHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "INSERT INTO api_keys (name, key_hash, created_at) VALUES ($name, $hash, $now) RETURNING id");
        command.Parameters.AddWithValue("$name", name);
        command.Parameters.AddWithValue("$hash", keyHash);
        command.Parameters.AddWithValue("$now", ToUnixMs(now));
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public async Task<bool> IsApiKeyAsync(string keyHash, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "SELECT COUNT(*) FROM api_keys WHERE key_hash = $hash AND revoked_at IS NULL");
        command.Parameters.AddWithValue("$hash", keyHash);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! > 0;
    }

    public async Task<int> CountApiKeysAsync(CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "SELECT COUNT(*) FROM api_keys WHERE revoked_at IS NULL");
        return (int)(long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public async Task<EnrollmentToken> AddEnrollmentTokenAsync(
        string tokenHash, DateTimeOffset now, DateTimeOffset expiresAt, string? note, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, """
            INSERT INTO enrollment_tokens (token_hash, created_at, expires_at, note) VALUES ($hash, $now, $expires, $note) RETURNING id
            """);
        command.Parameters.AddWithValue("$hash", tokenHash);
        command.Parameters.AddWithValue("$now", ToUnixMs(now));
        command.Parameters.AddWithValue("$expires", ToUnixMs(expiresAt));
        command.Parameters.AddWithValue("$note", ToDb(note));
        var id = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        return new EnrollmentToken(id, FromUnixMs(ToUnixMs(now)), FromUnixMs(ToUnixMs(expiresAt)), note);
    }

    public async Task<IReadOnlyList<EnrollmentToken>> ListEnrollmentTokensAsync(CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "SELECT id, created_at, expires_at, note, used_at, agent_id FROM enrollment_tokens ORDER BY id");
        var tokens = new List<EnrollmentToken>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            tokens.Add(new EnrollmentToken(reader.GetInt64(0), FromUnixMs(reader.GetInt64(1)), FromUnixMs(reader.GetInt64(2)), reader.IsDBNull(3) ? null : reader.GetString(3))
            {
                UsedAt = reader.IsDBNull(4) ? null : FromUnixMs(reader.GetInt64(4)),
                AgentId = reader.IsDBNull(5) ? null : reader.GetInt64(5),
            });
        }

        return tokens;
    }

    public async Task<Agent?> EnrolAgentAsync(
        string tokenHash, string name, string? hostName, string credentialHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction();
        long tokenId;
        await using (var token = Command(connection, """
            SELECT id FROM enrollment_tokens WHERE token_hash = $hash AND used_at IS NULL AND expires_at > $now
            """, transaction))
        {
            token.Parameters.AddWithValue("$hash", tokenHash);
            token.Parameters.AddWithValue("$now", ToUnixMs(now));
            if (await token.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not long id)
            {
                return null;
            }

            tokenId = id;
        }

        Agent agent;
        await using (var insert = Command(connection, $"""
            INSERT INTO agents (name, hostname, credential_hash, enrolled_at) VALUES ($name, $hostname, $credential, $now)
            RETURNING {AgentColumns}
            """, transaction))
        {
            insert.Parameters.AddWithValue("$name", name);
            insert.Parameters.AddWithValue("$hostname", ToDb(hostName));
            insert.Parameters.AddWithValue("$credential", credentialHash);
            insert.Parameters.AddWithValue("$now", ToUnixMs(now));
            await using var reader = await insert.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            agent = ReadAgent(reader);
        }

        await using (var use = Command(connection, "UPDATE enrollment_tokens SET used_at = $now, agent_id = $agent WHERE id = $id", transaction))
        {
            use.Parameters.AddWithValue("$now", ToUnixMs(now));
            use.Parameters.AddWithValue("$agent", agent.Id);
            use.Parameters.AddWithValue("$id", tokenId);
            await use.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return agent;
    }

    public async Task<(Agent Agent, string CredentialHash)?> FindAgentAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, $"SELECT {AgentColumns} FROM agents WHERE id = $id");
        command.Parameters.AddWithValue("$id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? (ReadAgent(reader), reader.GetString(7)) : null;
    }

    public async Task<IReadOnlyList<Agent>> ListAgentsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, $"SELECT {AgentColumns} FROM agents ORDER BY id");
        var agents = new List<Agent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            agents.Add(ReadAgent(reader));
        }

        return agents;
    }

    public async Task<bool> RevokeAgentAsync(long id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "UPDATE agents SET revoked_at = $now WHERE id = $id AND revoked_at IS NULL");
        command.Parameters.AddWithValue("$now", ToUnixMs(now));
        command.Parameters.AddWithValue("$id", id);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task TouchAgentAsync(long id, DateTimeOffset now, string? version, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "UPDATE agents SET last_seen_at = $now, version = COALESCE($version, version) WHERE id = $id");
        command.Parameters.AddWithValue("$now", ToUnixMs(now));
        command.Parameters.AddWithValue("$version", ToDb(version));
        command.Parameters.AddWithValue("$id", id);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static Agent ReadAgent(SqliteDataReader reader) =>
        new(reader.GetInt64(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), FromUnixMs(reader.GetInt64(3)))
        {
            LastSeenAt = reader.IsDBNull(4) ? null : FromUnixMs(reader.GetInt64(4)),
            RevokedAt = reader.IsDBNull(5) ? null : FromUnixMs(reader.GetInt64(5)),
            Version = reader.IsDBNull(6) ? null : reader.GetString(6),
        };
}
