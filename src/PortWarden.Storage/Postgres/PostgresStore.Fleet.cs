using Npgsql;
using PortWarden.Core.Fleet;

namespace PortWarden.Storage.Postgres;

public sealed partial class PostgresStore
{
    private const string AgentColumns = "id, name, hostname, enrolled_at, last_seen_at, revoked_at, version, credential_hash";

    public async Task<long> AddApiKeyAsync(string name, string keyHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "INSERT INTO api_keys (name, key_hash, created_at) VALUES (@name, @hash, @now) RETURNING id");
        command.Add("name", name);
        command.Add("hash", keyHash);
        command.Add("now", now);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public async Task<bool> IsApiKeyAsync(string keyHash, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "SELECT EXISTS (SELECT 1 FROM api_keys WHERE key_hash = @hash AND revoked_at IS NULL)");
        command.Add("hash", keyHash);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
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
            INSERT INTO enrollment_tokens (token_hash, created_at, expires_at, note) VALUES (@hash, @now, @expires, @note) RETURNING id
            """);
        command.Add("hash", tokenHash);
        command.Add("now", now);
        command.Add("expires", expiresAt);
        command.Add("note", note);
        var id = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        return new EnrollmentToken(id, PostgresValues.Instant(now), PostgresValues.Instant(expiresAt), note);
    }

    public async Task<IReadOnlyList<EnrollmentToken>> ListEnrollmentTokensAsync(CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "SELECT id, created_at, expires_at, note, used_at, agent_id FROM enrollment_tokens ORDER BY id");
        var tokens = new List<EnrollmentToken>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            tokens.Add(new EnrollmentToken(reader.GetInt64(0), reader.GetInstant(1), reader.GetInstant(2), reader.GetTextOrNull(3))
            {
                UsedAt = reader.GetInstantOrNull(4),
                AgentId = reader.GetInt64OrNull(5),
            });
        }

        return tokens;
    }

    public async Task<Agent?> EnrolAgentAsync(
        string tokenHash, string name, string? hostName, string credentialHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        // Consume the token first, in one statement: of two enrolments racing with one token, exactly one gets a row back.
        long tokenId;
        await using (var token = Command(connection, """
            UPDATE enrollment_tokens SET used_at = @now WHERE token_hash = @hash AND used_at IS NULL AND expires_at > @now RETURNING id
            """, transaction))
        {
            token.Add("hash", tokenHash);
            token.Add("now", now);
            if (await token.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not long id)
            {
                return null;
            }

            tokenId = id;
        }

        Agent agent;
        await using (var insert = Command(connection, $"""
            INSERT INTO agents (name, hostname, credential_hash, enrolled_at) VALUES (@name, @hostname, @credential, @now)
            RETURNING {AgentColumns}
            """, transaction))
        {
            insert.Add("name", name);
            insert.Add("hostname", hostName);
            insert.Add("credential", credentialHash);
            insert.Add("now", now);
            await using var reader = await insert.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            agent = ReadAgent(reader);
        }

        await using (var use = Command(connection, "UPDATE enrollment_tokens SET agent_id = @agent WHERE id = @id", transaction))
        {
            use.Add("agent", agent.Id);
            use.Add("id", tokenId);
            await use.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return agent;
    }

    public async Task<(Agent Agent, string CredentialHash)?> FindAgentAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, $"SELECT {AgentColumns} FROM agents WHERE id = @id");
        command.Add("id", id);
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
        await using var command = Command(connection, "UPDATE agents SET revoked_at = @now WHERE id = @id AND revoked_at IS NULL");
        command.Add("now", now);
        command.Add("id", id);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task TouchAgentAsync(long id, DateTimeOffset now, string? version, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "UPDATE agents SET last_seen_at = @now, version = COALESCE(@version, version) WHERE id = @id");
        command.Add("now", now);
        command.Add("version", version);
        command.Add("id", id);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static Agent ReadAgent(NpgsqlDataReader reader) =>
        new(reader.GetInt64(0), reader.GetString(1), reader.GetTextOrNull(2), reader.GetInstant(3))
        {
            LastSeenAt = reader.GetInstantOrNull(4),
            RevokedAt = reader.GetInstantOrNull(5),
            Version = reader.GetTextOrNull(6),
        };
}
