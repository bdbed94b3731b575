using NpgsqlTypes;
using PortWarden.Core.Fleet;
using PortWarden.Core.Tracking;

namespace PortWarden.Storage.Postgres;

public sealed partial class PostgresStore
{
    public async Task<bool> StartShardedPollAsync(
        Guid pollId, Tracker tracker, string engine, DateTimeOffset startedAt, IReadOnlyList<string> blocks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tracker);
        ArgumentNullException.ThrowIfNull(blocks);
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var poll = new PollRecord(pollId, tracker.DeviceId, tracker.Id, engine, startedAt, startedAt, PollCounts.None, null);
        if (!await InsertPollAsync(connection, transaction, poll, "running", cancellationToken).ConfigureAwait(false))
        {
            // The tracker has a running poll (another hub started it first), or this one was started before.
            return false;
        }

        await using (var insert = Command(connection, """
            INSERT INTO shards (poll_id, seq, targets, state)
            SELECT @poll, position - 1, targets, 'pending' FROM unnest(@targets) WITH ORDINALITY AS block (targets, position)
            """, transaction))
        {
            insert.Add("poll", pollId);
            insert.AddArray("targets", NpgsqlDbType.Text, blocks.ToArray());
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<ShardJob?> LeaseShardAsync(long agentId, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);

        // The candidate row is locked as it is chosen; rows other agents are leasing right now are skipped, not waited
        // for. A row whose lease another agent took since this statement's snapshot fails the re-check and is passed
        // over (at worst this call finds nothing and the agent asks again): a shard is never handed out twice.
        await using var command = Command(connection, """
            WITH candidate AS (
                SELECT s.id FROM shards s
                JOIN polls p ON p.id = s.poll_id AND p.status = 'running'
                JOIN device_agents a ON a.device_id = p.device_id AND a.agent_id = @agent
                WHERE s.state = 'pending' OR (s.state = 'leased' AND s.lease_until < @now)
                ORDER BY p.started_at, s.seq
                LIMIT 1
                FOR UPDATE OF s SKIP LOCKED)
            UPDATE shards s SET state = 'leased', agent_id = @agent, lease_until = @until, attempts = s.attempts + 1
            FROM candidate c, polls p
            WHERE s.id = c.id AND p.id = s.poll_id
            RETURNING s.id, s.poll_id, s.targets, s.attempts, s.lease_until, p.tracker_id, p.device_id
            """);
        command.Add("agent", agentId);
        command.Add("until", now + lease);
        command.Add("now", now);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new ShardJob(reader.GetInt64(0), reader.GetGuid(1), reader.GetInt64(5), reader.GetInt64(6), reader.GetString(2), reader.GetInt32(3),
                reader.GetInstant(4))
            : null;
    }

    public async Task<bool> RenewShardAsync(long shardId, long agentId, DateTimeOffset until, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "UPDATE shards SET lease_until = @until WHERE id = @id AND agent_id = @agent AND state = 'leased'");
        command.Add("until", until);
        command.Add("id", shardId);
        command.Add("agent", agentId);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<ShardRecording> RecordShardAsync(long shardId, long agentId, PollResult shard, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(shard);
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        // Lock the shard: a lease taken over meanwhile, or the same upload retried in parallel, waits for this commit.
        await using (var state = Command(connection, "SELECT state, agent_id FROM shards WHERE id = @id FOR UPDATE", transaction))
        {
            state.Add("id", shardId);
            await using var reader = await state.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return ShardRecording.NotLeased;
            }

            if (reader.GetString(0) == "done")
            {
                return ShardRecording.AlreadyRecorded;
            }

            if (reader.IsDBNull(1) || reader.GetInt64(1) != agentId)
            {
                return ShardRecording.NotLeased;
            }
        }

        await WriteBaselineAsync(connection, transaction, shard.Poll.DeviceId, shard.Changes, cancellationToken).ConfigureAwait(false);
        await using (var done = Command(connection, """
            UPDATE shards SET state = 'done', lease_until = NULL, hosts_up = @up, hosts_down = @down, ports_scanned = @ports,
                open_ports = @open, closed_ports = @closed, filtered_ports = @filtered, changes = @changes, error = @error
            WHERE id = @id
            """, transaction))
        {
            AddCounts(done, shard.Poll.Counts);
            done.Add("error", shard.Poll.Error);
            done.Add("id", shardId);
            await done.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await InsertEventsAsync(connection, transaction, shard.Events, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return ShardRecording.Recorded;
    }

    public async Task<PollCounts?> ShardTotalsIfCompleteAsync(Guid pollId, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, """
            SELECT COUNT(*), COUNT(*) FILTER (WHERE state <> 'done'), SUM(hosts_up) + SUM(hosts_down), SUM(hosts_up), SUM(hosts_down),
                   SUM(ports_scanned), SUM(open_ports), SUM(closed_ports), SUM(filtered_ports), SUM(changes)
            FROM shards WHERE poll_id = @poll
            """);
        command.Add("poll", pollId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);

        // A poll without shards is never complete (as in the SQLite store).
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false) || reader.GetInt64(0) == 0 || reader.GetInt64(1) > 0)
        {
            return null;
        }

        // SUM of integer is bigint and SUM of bigint is numeric: read them as what they count.
        return new PollCounts(
            (int)reader.GetInt64(2), (int)reader.GetInt64(3), (int)reader.GetInt64(4), (long)reader.GetDecimal(5), (long)reader.GetDecimal(6),
            (long)reader.GetDecimal(7), (long)reader.GetDecimal(8), (int)reader.GetInt64(9));
    }

    public async Task<bool> CompleteShardedPollAsync(PollRecord poll, IReadOnlyList<TrackEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(poll);
        ArgumentNullException.ThrowIfNull(events);
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        // Two hubs completing the same poll: the second UPDATE waits for the first's row lock, then finds the poll
        // no longer running and changes nothing, so poll-completed is recorded once.
        await using (var complete = Command(connection, """
            UPDATE polls SET status = 'completed', finished_at = @finished, hosts_scanned = @hosts, hosts_up = @up, hosts_down = @down,
                ports_scanned = @ports, open_ports = @open, closed_ports = @closed, filtered_ports = @filtered, changes = @changes, error = @error,
                outcome = @outcome, note = @note
            WHERE id = @id AND status = 'running'
            """, transaction))
        {
            complete.Add("finished", poll.FinishedAt);
            AddCounts(complete, poll.Counts);
            complete.Add("error", poll.Error);
            complete.Add("outcome", poll.Outcome.ToWireName());
            complete.Add("note", poll.Note);
            complete.Add("id", poll.Id);
            if (await complete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
            {
                return false;
            }
        }

        await InsertEventsAsync(connection, transaction, events, cancellationToken).ConfigureAwait(false);
        await MarkPolledAsync(connection, transaction, poll, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<IReadOnlyList<ShardFailure>> ListShardFailuresAsync(Guid pollId, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "SELECT seq, targets, error FROM shards WHERE poll_id = @poll AND error IS NOT NULL ORDER BY seq");
        command.Add("poll", pollId);
        var failures = new List<ShardFailure>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            failures.Add(new ShardFailure(reader.GetInt32(0), reader.GetString(1), reader.GetString(2)));
        }

        return failures;
    }

    public async Task<IReadOnlyDictionary<long, DateTimeOffset>> LastPollStartsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "SELECT tracker_id, MAX(started_at) FROM polls WHERE tracker_id IS NOT NULL GROUP BY tracker_id");
        var starts = new Dictionary<long, DateTimeOffset>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            starts[reader.GetInt64(0)] = reader.GetInstant(1);
        }

        return starts;
    }

    public async Task<bool> HasRunningPollAsync(long trackerId, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "SELECT EXISTS (SELECT 1 FROM polls WHERE tracker_id = @tracker AND status = 'running')");
        command.Add("tracker", trackerId);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }
}
