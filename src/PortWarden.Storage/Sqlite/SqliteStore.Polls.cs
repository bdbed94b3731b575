using System.Net;
using Microsoft.Data.Sqlite;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;
using PortWarden.Core.Targets;
using PortWarden.Core.Tracking;
using static PortWarden.Storage.StoredValues;

namespace PortWarden.Storage.Sqlite;

public sealed partial class SqliteStore
{
    private const string PollColumns =
        "id, device_id, tracker_id, engine, started_at, finished_at, hosts_scanned, hosts_up, hosts_down, ports_scanned, " +
        "open_ports, closed_ports, filtered_ports, changes, error, status, outcome, applied, note, agent_id";

    public async Task<DeviceBaseline> LoadBaselineAsync(Device device, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(device);
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        // A deferred (read) transaction: a consistent snapshot without blocking writers (WAL).
        await using var transaction = connection.BeginTransaction(deferred: true);

        var ports = new Dictionary<string, Dictionary<PortKey, PortBaseline>>();
        await using (var command = Command(connection, """
            SELECT host, protocol, port, open, service, detail, process, bind_address, first_seen, last_changed,
                   pending_state, pending_count, pending_after, pending_seen
            FROM baseline_ports WHERE device_id = $device
            """, transaction))
        {
            command.Parameters.AddWithValue("$device", device.Id);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);

            // SQLite reads are synchronous anyway; Read() spares a task per row of a million-row baseline.
            while (reader.Read())
            {
                cancellationToken.ThrowIfCancellationRequested();
                var host = reader.GetString(0);
                if (!ports.TryGetValue(host, out var map))
                {
                    ports[host] = map = [];
                }

                var key = new PortKey(reader.GetString(1) == "udp" ? Protocol.Udp : Protocol.Tcp, reader.GetInt32(2));
                map[key] = new PortBaseline(key, reader.GetInt64(3) != 0)
                {
                    Service = reader.IsDBNull(4) ? null : reader.GetString(4),
                    Detail = DetailFromJson(reader.IsDBNull(5) ? null : reader.GetString(5)),
                    Process = ProcessFromJson(reader.IsDBNull(6) ? null : reader.GetString(6)),
                    BindAddress = reader.IsDBNull(7) ? null : IPAddress.Parse(reader.GetString(7)),
                    FirstSeen = FromUnixMs(reader.GetInt64(8)),
                    LastChanged = FromUnixMs(reader.GetInt64(9)),
                    Pending = ReadPending(reader, 10),
                };
            }
        }

        var hosts = new Dictionary<string, HostBaseline>();
        await using (var command = Command(connection, """
            SELECT host, hostname, state, first_seen, last_changed, pending_state, pending_count, pending_after, pending_seen
            FROM baseline_hosts WHERE device_id = $device
            """, transaction))
        {
            command.Parameters.AddWithValue("$device", device.Id);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var address = reader.GetString(0);
                hosts[address] = new HostBaseline(address, reader.GetString(2) == "up" ? HostState.Up : HostState.Down)
                {
                    HostName = reader.IsDBNull(1) ? null : reader.GetString(1),
                    FirstSeen = FromUnixMs(reader.GetInt64(3)),
                    LastChanged = FromUnixMs(reader.GetInt64(4)),
                    Pending = ReadPending(reader, 5),
                    Ports = ports.TryGetValue(address, out var map) ? map : new Dictionary<PortKey, PortBaseline>(),
                };
            }
        }

        // The device row may have moved on since the caller read it (another poll): use the current one.
        string? decided = null;
        await using (var command = Command(connection, $"SELECT {DeviceColumns}, decided FROM devices WHERE id = $device", transaction))
        {
            command.Parameters.AddWithValue("$device", device.Id);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                device = ReadDevice(reader);
                decided = reader.IsDBNull(8) ? null : reader.GetString(8);
            }
        }

        return new DeviceBaseline(device, hosts)
        {
            Decided = AddressRanges.Parse(decided),
            LegacyCoverage = decided is null && device.BaselineEstablished,
        };
    }

    public async Task<bool> RecordPollAsync(PollResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var poll = result.Poll;
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
        return await ReadPollAsync(connection, id.ToString(), cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<PollRecord>> ListPollsAsync(long deviceId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, $"SELECT {PollColumns} FROM polls WHERE device_id = $device ORDER BY started_at DESC, id DESC LIMIT $limit");
        command.Parameters.AddWithValue("$device", deviceId);
        command.Parameters.AddWithValue("$limit", limit);
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
        await using var command = Command(connection, "SELECT lease_owner, lease_until FROM devices WHERE id = $device AND lease_owner IS NOT NULL");
        command.Parameters.AddWithValue("$device", deviceId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new DeviceLease(reader.GetString(0), FromUnixMs(reader.GetInt64(1)))
            : null;
    }

    public async Task<bool> TryAcquireLeaseAsync(
        long deviceId, string owner, DateTimeOffset now, DateTimeOffset until, string? takeOverFrom, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, """
            UPDATE devices SET lease_owner = $owner, lease_until = $until
            WHERE id = $device AND (lease_owner IS NULL OR lease_owner = $owner OR lease_until < $now OR lease_owner = $dead)
            """);
        command.Parameters.AddWithValue("$owner", owner);
        command.Parameters.AddWithValue("$until", ToUnixMs(until));
        command.Parameters.AddWithValue("$device", deviceId);
        command.Parameters.AddWithValue("$now", ToUnixMs(now));
        command.Parameters.AddWithValue("$dead", ToDb(takeOverFrom));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task ReleaseLeaseAsync(long deviceId, string owner, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "UPDATE devices SET lease_owner = NULL, lease_until = NULL WHERE id = $device AND lease_owner = $owner");
        command.Parameters.AddWithValue("$device", deviceId);
        command.Parameters.AddWithValue("$owner", owner);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<PollRecord?> ReadPollAsync(SqliteConnection connection, string id, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, $"SELECT {PollColumns} FROM polls WHERE id = $id");
        command.Parameters.AddWithValue("$id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadPoll(reader) : null;
    }

    private static PollRecord ReadPoll(SqliteDataReader reader) => new(
        Guid.Parse(reader.GetString(0)),
        reader.GetInt64(1),
        reader.IsDBNull(2) ? null : reader.GetInt64(2),
        reader.GetString(3),
        FromUnixMs(reader.GetInt64(4)),
        FromUnixMs(reader.IsDBNull(5) ? reader.GetInt64(4) : reader.GetInt64(5)),
        new PollCounts(reader.GetInt32(6), reader.GetInt32(7), reader.GetInt32(8), reader.GetInt64(9), reader.GetInt64(10),
            reader.GetInt64(11), reader.GetInt64(12), reader.GetInt32(13)),
        reader.IsDBNull(14) ? null : reader.GetString(14))
    {
        Running = reader.GetString(15) == "running",
        Outcome = reader.IsDBNull(16) ? (reader.IsDBNull(14) ? PollOutcome.Complete : PollOutcome.Partial) : PollOutcomeNames.Parse(reader.GetString(16)),
        Applied = reader.GetInt64(17) != 0,
        Note = reader.IsDBNull(18) ? null : reader.GetString(18),
        AgentId = reader.IsDBNull(19) ? null : reader.GetInt64(19),
    };

    private static PendingChange? ReadPending(SqliteDataReader reader, int first) => reader.IsDBNull(first)
        ? null
        : new PendingChange(reader.GetString(first), reader.GetInt32(first + 1), FromUnixMs(reader.GetInt64(first + 2)), FromUnixMs(reader.GetInt64(first + 3)));

    /// <summary>Inserts the poll row; false when a poll with that id exists already.</summary>
    private static async Task<bool> InsertPollAsync(
        SqliteConnection connection, SqliteTransaction transaction, PollRecord poll, string status, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, $"""
            INSERT INTO polls ({PollColumns}) VALUES ($id, $device, $tracker, $engine, $started, $finished, $hosts, $up, $down,
                $ports, $open, $closed, $filtered, $changes, $error, $status, $outcome, $applied, $note, $agent)
            ON CONFLICT (id) DO NOTHING
            """, transaction);
        command.Parameters.AddWithValue("$id", poll.Id.ToString());
        command.Parameters.AddWithValue("$device", poll.DeviceId);
        command.Parameters.AddWithValue("$tracker", ToDb(poll.TrackerId));
        command.Parameters.AddWithValue("$engine", poll.Engine);
        command.Parameters.AddWithValue("$started", ToUnixMs(poll.StartedAt));
        command.Parameters.AddWithValue("$finished", status == "running" ? DBNull.Value : ToUnixMs(poll.FinishedAt));
        AddCounts(command, poll.Counts);
        command.Parameters.AddWithValue("$error", ToDb(poll.Error));
        command.Parameters.AddWithValue("$status", status);
        command.Parameters.AddWithValue("$outcome", poll.Outcome.ToWireName());
        command.Parameters.AddWithValue("$applied", poll.Applied ? 1 : 0);
        command.Parameters.AddWithValue("$note", ToDb(poll.Note));
        command.Parameters.AddWithValue("$agent", ToDb(poll.AgentId));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    private static void AddCounts(SqliteCommand command, PollCounts counts)
    {
        command.Parameters.AddWithValue("$hosts", counts.HostsScanned);
        command.Parameters.AddWithValue("$up", counts.HostsUp);
        command.Parameters.AddWithValue("$down", counts.HostsDown);
        command.Parameters.AddWithValue("$ports", counts.PortsScanned);
        command.Parameters.AddWithValue("$open", counts.Open);
        command.Parameters.AddWithValue("$closed", counts.Closed);
        command.Parameters.AddWithValue("$filtered", counts.Filtered);
        command.Parameters.AddWithValue("$changes", counts.Changes);
    }

    /// <summary>The device has a baseline now, as of this poll's start, if the poll decided anything (a failed or late poll moves nothing).</summary>
    private static async Task MarkPolledAsync(SqliteConnection connection, SqliteTransaction transaction, PollRecord poll, CancellationToken cancellationToken)
    {
        if (!poll.Decided)
        {
            return;
        }

        await using var command = Command(connection, """
            UPDATE devices SET last_poll_at = MAX(COALESCE(last_poll_at, 0), $started), baseline_established = 1 WHERE id = $device
            """, transaction);
        command.Parameters.AddWithValue("$started", ToUnixMs(poll.StartedAt));
        command.Parameters.AddWithValue("$device", poll.DeviceId);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task WriteBaselineAsync(
        SqliteConnection connection, SqliteTransaction transaction, long deviceId, BaselineChanges changes, CancellationToken cancellationToken)
    {
        if (changes.Decided is { } decided)
        {
            await using var coverage = Command(connection, "UPDATE devices SET decided = $decided WHERE id = $device", transaction);
            coverage.Parameters.AddWithValue("$decided", decided.ToString());
            coverage.Parameters.AddWithValue("$device", deviceId);
            await coverage.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var hosts = Command(connection, """
            INSERT INTO baseline_hosts (device_id, host, hostname, state, first_seen, last_changed, pending_state, pending_count, pending_after, pending_seen)
            VALUES ($device, $host, $hostname, $state, $first, $changed, $pstate, $pcount, $pafter, $pseen)
            ON CONFLICT (device_id, host) DO UPDATE SET hostname = excluded.hostname, state = excluded.state,
                first_seen = excluded.first_seen, last_changed = excluded.last_changed, pending_state = excluded.pending_state,
                pending_count = excluded.pending_count, pending_after = excluded.pending_after, pending_seen = excluded.pending_seen
            """, transaction))
        {
            var p = Parameters(hosts, "$device", "$host", "$hostname", "$state", "$first", "$changed", "$pstate", "$pcount", "$pafter", "$pseen");
            p[0].Value = deviceId;
            foreach (var host in changes.Hosts)
            {
                p[1].Value = host.Address;
                p[2].Value = ToDb(host.HostName);
                p[3].Value = host.State == HostState.Up ? "up" : "down";
                p[4].Value = ToUnixMs(host.FirstSeen);
                p[5].Value = ToUnixMs(host.LastChanged);
                SetPending(p, 6, host.Pending);
                await hosts.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await using (var ports = Command(connection, """
            INSERT INTO baseline_ports (device_id, host, protocol, port, open, service, detail, process, bind_address, first_seen, last_changed,
                pending_state, pending_count, pending_after, pending_seen)
            VALUES ($device, $host, $protocol, $port, $open, $service, $detail, $process, $bind, $first, $changed, $pstate, $pcount, $pafter, $pseen)
            ON CONFLICT (device_id, host, protocol, port) DO UPDATE SET open = excluded.open, service = excluded.service,
                detail = excluded.detail, process = excluded.process, bind_address = excluded.bind_address, first_seen = excluded.first_seen,
                last_changed = excluded.last_changed, pending_state = excluded.pending_state, pending_count = excluded.pending_count,
                pending_after = excluded.pending_after, pending_seen = excluded.pending_seen
            """, transaction))
        {
            var p = Parameters(ports, "$device", "$host", "$protocol", "$port", "$open", "$service", "$detail", "$process", "$bind", "$first", "$changed",
                "$pstate", "$pcount", "$pafter", "$pseen");
            p[0].Value = deviceId;
            foreach (var (host, port) in changes.Ports)
            {
                p[1].Value = host;
                p[2].Value = port.Key.Protocol.ToWireName();
                p[3].Value = port.Key.Port;
                p[4].Value = port.Open ? 1 : 0;
                p[5].Value = ToDb(port.Service);
                p[6].Value = ToJson(port.Detail);
                p[7].Value = ToJson(port.Process);
                p[8].Value = ToDb(port.BindAddress?.ToString());
                p[9].Value = ToUnixMs(port.FirstSeen);
                p[10].Value = ToUnixMs(port.LastChanged);
                SetPending(p, 11, port.Pending);
                await ports.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await using var removed = Command(connection,
            "DELETE FROM baseline_ports WHERE device_id = $device AND host = $host AND protocol = $protocol AND port = $port", transaction);
        var r = Parameters(removed, "$device", "$host", "$protocol", "$port");
        r[0].Value = deviceId;
        foreach (var (host, key) in changes.RemovedPorts)
        {
            r[1].Value = host;
            r[2].Value = key.Protocol.ToWireName();
            r[3].Value = key.Port;
            await removed.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static void SetPending(SqliteParameter[] parameters, int first, PendingChange? pending)
    {
        parameters[first].Value = ToDb(pending?.State);
        parameters[first + 1].Value = ToDb(pending?.Count);
        parameters[first + 2].Value = ToDb(pending?.ChangedAfter);
        parameters[first + 3].Value = ToDb(pending?.FirstSeenAt);
    }

    /// <summary>Adds named parameters once, so a prepared command can run for every row with new values.</summary>
    private static SqliteParameter[] Parameters(SqliteCommand command, params string[] names)
    {
        var parameters = names.Select(name => command.Parameters.Add(new SqliteParameter(name, DBNull.Value))).ToArray();
        command.Prepare();
        return parameters;
    }
}
