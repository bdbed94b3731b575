using PortWarden.Core.Fleet;
using PortWarden.Core.Tracking;
using static PortWarden.Storage.StoredValues;

namespace PortWarden.Storage.Sqlite;

public sealed partial class SqliteStore
{
    public async Task<bool> StartShardedPollAsync(
        Guid pollId, Tracker tracker, string engine, DateTimeOffset startedAt, IReadOnlyList<string> blocks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tracker);
        ArgumentNullException.ThrowIfNull(blocks);
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction();
        await using (var running = Command(connection, "SELECT COUNT(*) FROM polls WHERE tracker_id = $tracker AND status = 'running'", transaction))
        {
            running.Parameters.AddWithValue("$tracker", tracker.Id);
            if ((long)(await running.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! > 0)
            {
                return false;
            }
        }

        var poll = new PollRecord(pollId, tracker.DeviceId, tracker.Id, engine, startedAt, startedAt, PollCounts.None, null);
        if (!await InsertPollAsync(connection, transaction, poll, "running", cancellationToken).ConfigureAwait(false))
        {
            // Started before (a retried request after the poll ended): its shards exist already.
            return false;
        }

        await using (var insert = Command(connection, "INSERT INTO shards (poll_id, seq, targets, state) VALUES ($poll, $seq, $targets, 'pending')", transaction))
        {
            var p = Parameters(insert, "$poll", "$seq", "$targets");
            p[0].Value = pollId.ToString();
            for (var i = 0; i < blocks.Count; i++)
            {
                p[1].Value = i;
                p[2].Value = blocks[i];
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<ShardJob?> LeaseShardAsync(long agentId, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);

        // One statement under SQLite's write lock: no two agents can take the same shard.
        await using var command = Command(connection, """
            UPDATE shards SET state = 'leased', agent_id = $agent, lease_until = $until, attempts = attempts + 1
            WHERE id = (
                SELECT s.id FROM shards s
                JOIN polls p ON p.id = s.poll_id AND p.status = 'running'
                JOIN device_agents a ON a.device_id = p.device_id AND a.agent_id = $agent
                WHERE s.state = 'pending' OR (s.state = 'leased' AND s.lease_until < $now)
                ORDER BY p.started_at, s.seq LIMIT 1)
            RETURNING id, poll_id, targets, attempts, lease_until,
                (SELECT tracker_id FROM polls WHERE id = poll_id), (SELECT device_id FROM polls WHERE id = poll_id)
            """);
        command.Parameters.AddWithValue("$agent", agentId);
        command.Parameters.AddWithValue("$until", ToUnixMs(now + lease));
        command.Parameters.AddWithValue("$now", ToUnixMs(now));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new ShardJob(reader.GetInt64(0), Guid.Parse(reader.GetString(1)), reader.GetInt64(5), reader.GetInt64(6), reader.GetString(2),
                reader.GetInt32(3), FromUnixMs(reader.GetInt64(4)))
            : null;
    }

    public async Task<bool> RenewShardAsync(long shardId, long agentId, DateTimeOffset until, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "UPDATE shards SET lease_until = $until WHERE id = $id AND agent_id = $agent AND state = 'leased'");
        command.Parameters.AddWithValue("$until", ToUnixMs(until));
        command.Parameters.AddWithValue("$id", shardId);
        command.Parameters.AddWithValue("$agent", agentId);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<ShardRecording> RecordShardAsync(long shardId, long agentId, PollResult shard, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(shard);
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction();
        await using (var state = Command(connection, "SELECT state, agent_id FROM shards WHERE id = $id", transaction))
        {
            state.Parameters.AddWithValue("$id", shardId);
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
        await InsertEventsAsync(connection, transaction, shard.Events, cancellationToken).ConfigureAwait(false);
        await using (var done = Command(connection, """
            UPDATE shards SET state = 'done', lease_until = NULL, hosts_up = $up, hosts_down = $down, ports_scanned = $ports,
                open_ports = $open, closed_ports = $closed, filtered_ports = $filtered, changes = $changes, error = $error
            WHERE id = $id
            """, transaction))
        {
            AddCounts(done, shard.Poll.Counts);
            done.Parameters.AddWithValue("$error", ToDb(shard.Poll.Error));
            done.Parameters.AddWithValue("$id", shardId);
            await done.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return ShardRecording.Recorded;
    }

    public async Task<PollCounts?> ShardTotalsIfCompleteAsync(Guid pollId, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, """
            SELECT COUNT(*) - SUM(state = 'done'), SUM(hosts_up) + SUM(hosts_down), SUM(hosts_up), SUM(hosts_down), SUM(ports_scanned),
                   SUM(open_ports), SUM(closed_ports), SUM(filtered_ports), SUM(changes)
            FROM shards WHERE poll_id = $poll
            """);
        command.Parameters.AddWithValue("$poll", pollId.ToString());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false) || reader.IsDBNull(0) || reader.GetInt64(0) > 0)
        {
            return null;
        }

        return new PollCounts(reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetInt64(4), reader.GetInt64(5),
            reader.GetInt64(6), reader.GetInt64(7), reader.GetInt32(8));
    }

    public async Task<bool> CompleteShardedPollAsync(PollRecord poll, IReadOnlyList<TrackEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(poll);
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction();
        await using (var complete = Command(connection, """
            UPDATE polls SET status = 'completed', finished_at = $finished, hosts_scanned = $hosts, hosts_up = $up, hosts_down = $down,
                ports_scanned = $ports, open_ports = $open, closed_ports = $closed, filtered_ports = $filtered, changes = $changes, error = $error,
                outcome = $outcome, note = $note
            WHERE id = $id AND status = 'running'
            """, transaction))
        {
            complete.Parameters.AddWithValue("$finished", ToUnixMs(poll.FinishedAt));
            AddCounts(complete, poll.Counts);
            complete.Parameters.AddWithValue("$error", ToDb(poll.Error));
            complete.Parameters.AddWithValue("$outcome", poll.Outcome.ToWireName());
            complete.Parameters.AddWithValue("$note", ToDb(poll.Note));
            complete.Parameters.AddWithValue("$id", poll.Id.ToString());
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
        await using var command = Command(connection, "SELECT seq, targets, error FROM shards WHERE poll_id = $poll AND error IS NOT NULL ORDER BY seq");
        command.Parameters.AddWithValue("$poll", pollId.ToString());
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
            starts[reader.GetInt64(0)] = FromUnixMs(reader.GetInt64(1));
        }

        return starts;
    }

    public async Task<bool> HasRunningPollAsync(long trackerId, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "SELECT COUNT(*) FROM polls WHERE tracker_id = $tracker AND status = 'running'");
        command.Parameters.AddWithValue("$tracker", trackerId);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! > 0;
    }
}
