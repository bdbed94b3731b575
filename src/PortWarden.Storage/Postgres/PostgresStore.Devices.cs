using Npgsql;
using PortWarden.Core.Tracking;

namespace PortWarden.Storage.Postgres;

public sealed partial class PostgresStore
{
    /// <summary>A device row with its assigned agents (read in the same statement).</summary>
    private const string DeviceColumns =
        "d.id, d.name, d.kind, d.targets, d.created_at, d.baseline_established, d.last_poll_at, " +
        "ARRAY(SELECT a.agent_id FROM device_agents a WHERE a.device_id = d.id ORDER BY a.agent_id), d.expected_ports";

    private const string TrackerColumns =
        "t.id, t.device_id, t.name, t.ports, t.exclude_ports, t.engine, t.schedule, t.confirm_polls, t.baseline_events, t.options, t.mode, " +
        "t.shard_size, t.enabled, t.run_requested_at";

    private const int TrackerColumnCount = 14;

    public async Task<Device?> FindDeviceAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, $"SELECT {DeviceColumns} FROM devices d WHERE lower(d.name) = lower(@name)");
        command.Add("name", name);
        return await ReadDeviceAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Device?> GetDeviceAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, $"SELECT {DeviceColumns} FROM devices d WHERE d.id = @id");
        command.Add("id", id);
        return await ReadDeviceAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Device> SaveDeviceAsync(string name, DeviceKind kind, string targets, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, $"""
            INSERT INTO devices AS d (name, kind, targets, created_at) VALUES (@name, @kind, @targets, @now)
            ON CONFLICT (lower(name)) DO UPDATE SET kind = excluded.kind, targets = excluded.targets
            RETURNING {DeviceColumns}
            """);
        command.Add("name", name);
        command.Add("kind", kind.ToWireName());
        command.Add("targets", targets);
        command.Add("now", DateTimeOffset.UtcNow);
        return (await ReadDeviceAsync(command, cancellationToken).ConfigureAwait(false))!;
    }

    public async Task SetDeviceAgentsAsync(long deviceId, IReadOnlyList<long> agentIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(agentIds);
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var clear = Command(connection, "DELETE FROM device_agents WHERE device_id = @device", transaction))
        {
            clear.Add("device", deviceId);
            await clear.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var add = Command(connection, """
            INSERT INTO device_agents (device_id, agent_id) SELECT @device, agent FROM unnest(@agents) AS agent ON CONFLICT DO NOTHING
            """, transaction))
        {
            add.Add("device", deviceId);
            add.AddArray("agents", NpgsqlTypes.NpgsqlDbType.Bigint, agentIds.ToArray());
            await add.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<DeviceSummary>> ListDevicesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);

        // Names sort as in the SQLite store (case-insensitive, then byte order), whatever the database's collation.
        await using var command = Command(connection, $"""
            SELECT {DeviceColumns},
                (SELECT COUNT(*) FROM baseline_hosts h WHERE h.device_id = d.id AND h.state = 'up'),
                (SELECT COUNT(*) FROM baseline_ports p WHERE p.device_id = d.id AND p.open),
                (SELECT COUNT(*) FROM polls p WHERE p.device_id = d.id AND p.status = 'completed'),
                {PollColumnsOf("last")}
            FROM devices d
            LEFT JOIN LATERAL (
                SELECT * FROM polls p WHERE p.device_id = d.id AND p.status = 'completed' ORDER BY p.started_at DESC, p.id DESC LIMIT 1
            ) last ON true
            ORDER BY lower(d.name) COLLATE "C", d.name COLLATE "C"
            """);
        var summaries = new List<DeviceSummary>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var last = reader.IsDBNull(12) ? null : ReadPoll(reader, 12);
            summaries.Add(new DeviceSummary(ReadDevice(reader), (int)reader.GetInt64(9), reader.GetInt64(10), (int)reader.GetInt64(11), last));
        }

        return summaries;
    }

    public async Task<Tracker> SaveTrackerAsync(Tracker tracker, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tracker);
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, tracker.Id == 0
            ? $"""
                INSERT INTO trackers AS t (device_id, name, ports, exclude_ports, engine, schedule, confirm_polls, baseline_events, options, mode,
                    shard_size, enabled)
                VALUES (@device, @name, @ports, @exclude, @engine, @schedule, @confirm, @baseline, @options, @mode, @shard, @enabled)
                ON CONFLICT (device_id, name) WHERE deleted_at IS NULL DO UPDATE SET ports = excluded.ports,
                    exclude_ports = excluded.exclude_ports, engine = excluded.engine, schedule = excluded.schedule,
                    confirm_polls = excluded.confirm_polls, baseline_events = excluded.baseline_events, options = excluded.options,
                    mode = excluded.mode, shard_size = excluded.shard_size, enabled = excluded.enabled
                RETURNING {TrackerColumns}
                """
            : $"""
                UPDATE trackers AS t SET device_id = @device, name = @name, ports = @ports, exclude_ports = @exclude, engine = @engine,
                    schedule = @schedule, confirm_polls = @confirm, baseline_events = @baseline, options = @options, mode = @mode,
                    shard_size = @shard, enabled = @enabled
                WHERE t.id = @id AND t.deleted_at IS NULL
                RETURNING {TrackerColumns}
                """);
        command.Add("id", tracker.Id);
        command.Add("device", tracker.DeviceId);
        command.Add("name", tracker.Name);
        command.Add("ports", tracker.Ports);
        command.Add("exclude", tracker.ExcludePorts);
        command.Add("engine", tracker.Engine);
        command.Add("schedule", tracker.Schedule);
        command.Add("confirm", tracker.Policy.ConfirmPolls);
        command.Add("baseline", tracker.Policy.SendBaselineEvents);
        command.AddJson("options", tracker.OptionsJson);
        command.Add("mode", tracker.Mode.ToWireName());
        command.Add("shard", tracker.ShardSize);
        command.Add("enabled", tracker.Enabled);
        return (await ReadTrackersAsync(command, cancellationToken).ConfigureAwait(false)).SingleOrDefault()
            ?? throw new StoreException($"tracker {tracker.Id} does not exist");
    }

    public async Task<IReadOnlyList<Tracker>> ListTrackersAsync(long deviceId, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection,
            $"SELECT {TrackerColumns} FROM trackers t WHERE t.device_id = @device AND t.deleted_at IS NULL ORDER BY t.name COLLATE \"C\"");
        command.Add("device", deviceId);
        return await ReadTrackersAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Tracker?> GetTrackerAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, $"SELECT {TrackerColumns} FROM trackers t WHERE t.id = @id AND t.deleted_at IS NULL");
        command.Add("id", id);
        return (await ReadTrackersAsync(command, cancellationToken).ConfigureAwait(false)).SingleOrDefault();
    }

    public async Task<IReadOnlyList<Tracker>> ListAllTrackersAsync(CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, $"SELECT {TrackerColumns} FROM trackers t WHERE t.deleted_at IS NULL ORDER BY t.id");
        return await ReadTrackersAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<(Tracker Tracker, Device Device)>> ListTrackersForAgentAsync(long agentId, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, $"""
            SELECT {TrackerColumns}, {DeviceColumns}
            FROM trackers t
            JOIN device_agents a ON a.device_id = t.device_id AND a.agent_id = @agent
            JOIN devices d ON d.id = t.device_id
            WHERE t.deleted_at IS NULL AND t.enabled ORDER BY t.id
            """);
        command.Add("agent", agentId);
        var result = new List<(Tracker, Device)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add((ReadTracker(reader), ReadDevice(reader, TrackerColumnCount)));
        }

        return result;
    }

    public async Task<bool> DeleteTrackerAsync(long id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "UPDATE trackers SET deleted_at = @now WHERE id = @id AND deleted_at IS NULL");
        command.Add("now", now);
        command.Add("id", id);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<bool> SetExpectedPortsAsync(long deviceId, string? ports, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "UPDATE devices SET expected_ports = @ports WHERE id = @id");
        command.Add("ports", ports);
        command.Add("id", deviceId);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<bool> RequestRunAsync(long trackerId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "UPDATE trackers SET run_requested_at = @now WHERE id = @id AND deleted_at IS NULL");
        command.Add("now", now);
        command.Add("id", trackerId);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    private static async Task<Device?> ReadDeviceAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadDevice(reader) : null;
    }

    private static async Task<List<Tracker>> ReadTrackersAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var trackers = new List<Tracker>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            trackers.Add(ReadTracker(reader));
        }

        return trackers;
    }

    private static Tracker ReadTracker(NpgsqlDataReader reader)
    {
        if (!TrackerModeNames.TryParse(reader.GetString(10), out var mode))
        {
            throw new StoreException($"tracker {reader.GetInt64(0)} has an unknown mode '{reader.GetString(10)}'");
        }

        return new Tracker(
            reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
            reader.GetString(5), reader.GetString(6), new TrackingPolicy(reader.GetInt32(7), reader.GetBoolean(8)))
        {
            OptionsJson = reader.GetString(9),
            Mode = mode,
            ShardSize = reader.GetInt32OrNull(11),
            Enabled = reader.GetBoolean(12),
            RunRequestedAt = reader.GetInstantOrNull(13),
        };
    }

    /// <summary>Reads the <see cref="DeviceColumns"/> that start at <paramref name="first"/>.</summary>
    private static Device ReadDevice(NpgsqlDataReader reader, int first = 0) =>
        new(reader.GetInt64(first), reader.GetString(first + 1), DeviceKindNames.Parse(reader.GetString(first + 2)), reader.GetString(first + 3),
            reader.GetInstant(first + 4))
        {
            BaselineEstablished = reader.GetBoolean(first + 5),
            LastPollAt = reader.GetInstantOrNull(first + 6),
            AgentIds = reader.GetFieldValue<long[]>(first + 7),
            ExpectedPorts = reader.GetTextOrNull(first + 8),
        };
}
