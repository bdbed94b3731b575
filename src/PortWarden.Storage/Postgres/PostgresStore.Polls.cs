using Npgsql;
using PortWarden.Core.Tracking;

namespace PortWarden.Storage.Postgres;

public sealed partial class PostgresStore
{
    private static readonly string[] PollColumnNames =
    [
        "id", "device_id", "tracker_id", "engine", "started_at", "finished_at", "hosts_scanned", "hosts_up", "hosts_down", "ports_scanned",
        "open_ports", "closed_ports", "filtered_ports", "changes", "error", "status", "outcome", "applied", "note", "agent_id",
    ];

    private static string PollColumnsOf(string table) => string.Join(", ", PollColumnNames.Select(column => $"{table}.{column}"));

    public async Task<bool> RecordPollAsync(PollResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var poll = result.Poll;

        // A retried upload of the same poll waits here for the first to commit, then finds it and records nothing.
        if (!await InsertPollAsync(connection, transaction, poll, "completed", cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        await WriteBaselineAsync(connection, transaction, poll.DeviceId, result.Changes, cancellationToken).ConfigureAwait(false);
        await InsertEventsAsync(connection, transaction, result.Events, cancellationToken).ConfigureAwait(false);
        await MarkPolledAsync(connection, transaction, poll, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<PollRecord?> GetPollAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, $"SELECT {PollColumnsOf("p")} FROM polls p WHERE p.id = @id");
        command.Add("id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadPoll(reader) : null;
    }

    public async Task<IReadOnlyList<PollRecord>> ListPollsAsync(long deviceId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection,
            $"SELECT {PollColumnsOf("p")} FROM polls p WHERE p.device_id = @device ORDER BY p.started_at DESC, p.id DESC LIMIT @limit");
        command.Add("device", deviceId);
        command.Add("limit", (long)limit);
        var polls = new List<PollRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            polls.Add(ReadPoll(reader));
        }

        return polls;
    }

    public async Task<DeviceLease?> ReadLeaseAsync(long deviceId, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "SELECT lease_owner, lease_until FROM devices WHERE id = @device AND lease_owner IS NOT NULL");
        command.Add("device", deviceId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? new DeviceLease(reader.GetString(0), reader.GetInstant(1)) : null;
    }

    public async Task<bool> TryAcquireLeaseAsync(
        long deviceId, string owner, DateTimeOffset now, DateTimeOffset until, string? takeOverFrom, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);

        // One statement: a competing UPDATE waits for the row and then re-checks the condition against the new owner.
        await using var command = Command(connection, """
            UPDATE devices SET lease_owner = @owner, lease_until = @until
            WHERE id = @device AND (lease_owner IS NULL OR lease_owner = @owner OR lease_until < @now OR lease_owner = @dead)
            """);
        command.Add("owner", owner);
        command.Add("until", until);
        command.Add("device", deviceId);
        command.Add("now", now);
        command.Add("dead", takeOverFrom);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task ReleaseLeaseAsync(long deviceId, string owner, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "UPDATE devices SET lease_owner = NULL, lease_until = NULL WHERE id = @device AND lease_owner = @owner");
        command.Add("device", deviceId);
        command.Add("owner", owner);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the poll columns (<see cref="PollColumnNames"/>) that start at <paramref name="first"/>.</summary>
    private static PollRecord ReadPoll(NpgsqlDataReader reader, int first = 0)
    {
        var started = reader.GetInstant(first + 4);
        return new PollRecord(
            reader.GetGuid(first),
            reader.GetInt64(first + 1),
            reader.GetInt64OrNull(first + 2),
            reader.GetString(first + 3),
            started,
            reader.GetInstantOrNull(first + 5) ?? started,
            new PollCounts(reader.GetInt32(first + 6), reader.GetInt32(first + 7), reader.GetInt32(first + 8), reader.GetInt64(first + 9),
                reader.GetInt64(first + 10), reader.GetInt64(first + 11), reader.GetInt64(first + 12), reader.GetInt32(first + 13)),
            reader.GetTextOrNull(first + 14))
        {
            Running = reader.GetString(first + 15) == "running",
            Outcome = reader.GetTextOrNull(first + 16) is { } outcome ? PollOutcomeNames.Parse(outcome)
                : reader.IsDBNull(first + 14) ? PollOutcome.Complete : PollOutcome.Partial,
            Applied = reader.GetBoolean(first + 17),
            Note = reader.GetTextOrNull(first + 18),
            AgentId = reader.GetInt64OrNull(first + 19),
        };
    }

    /// <summary>
    /// Inserts the poll row; false when a poll with that id exists already or, for a running poll, when its tracker
    /// has a running poll (the unique indexes decide, so concurrent inserts cannot both succeed).
    /// </summary>
    private static async Task<bool> InsertPollAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, PollRecord poll, string status, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, $"""
            INSERT INTO polls ({string.Join(", ", PollColumnNames)}) VALUES (@id, @device, @tracker, @engine, @started, @finished, @hosts, @up, @down,
                @ports, @open, @closed, @filtered, @changes, @error, @status, @outcome, @applied, @note, @agent)
            ON CONFLICT DO NOTHING
            """, transaction);
        command.Add("id", poll.Id);
        command.Add("device", poll.DeviceId);
        command.Add("tracker", poll.TrackerId);
        command.Add("engine", poll.Engine);
        command.Add("started", poll.StartedAt);
        command.Add("finished", status == "running" ? null : poll.FinishedAt);
        AddCounts(command, poll.Counts);
        command.Add("error", poll.Error);
        command.Add("status", status);
        command.Add("outcome", poll.Outcome.ToWireName());
        command.Add("applied", poll.Applied);
        command.Add("note", poll.Note);
        command.Add("agent", poll.AgentId);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    private static void AddCounts(NpgsqlCommand command, PollCounts counts)
    {
        command.Add("hosts", counts.HostsScanned);
        command.Add("up", counts.HostsUp);
        command.Add("down", counts.HostsDown);
        command.Add("ports", counts.PortsScanned);
        command.Add("open", counts.Open);
        command.Add("closed", counts.Closed);
        command.Add("filtered", counts.Filtered);
        command.Add("changes", counts.Changes);
    }

    /// <summary>The device has a baseline now, as of this poll's start, if the poll decided anything (a failed or late poll moves nothing).</summary>
    private static async Task MarkPolledAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, PollRecord poll, CancellationToken cancellationToken)
    {
        if (!poll.Decided)
        {
            return;
        }

        await using var command = Command(connection, """
            UPDATE devices SET last_poll_at = GREATEST(last_poll_at, @started), baseline_established = true WHERE id = @device
            """, transaction);
        command.Add("started", poll.StartedAt);
        command.Add("device", poll.DeviceId);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
