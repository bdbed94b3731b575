using Microsoft.Data.Sqlite;
using PortWarden.Core.Tracking;
using static PortWarden.Storage.StoredValues;

namespace PortWarden.Storage.Sqlite;

public sealed partial class SqliteStore
{
    private const string DeviceColumns = "id, name, kind, targets, created_at, baseline_established, last_poll_at, expected_ports";

    private const string TrackerColumns =
        "id, device_id, name, ports, exclude_ports, engine, schedule, confirm_polls, baseline_events, options, mode, shard_size, enabled, run_requested_at";

    public async Task<Device?> FindDeviceAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, $"SELECT {DeviceColumns} FROM devices WHERE name = $name");
        command.Parameters.AddWithValue("$name", name);
        return await ReadDeviceAsync(connection, command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Device?> GetDeviceAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, $"SELECT {DeviceColumns} FROM devices WHERE id = $id");
        command.Parameters.AddWithValue("$id", id);
        return await ReadDeviceAsync(connection, command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Device> SaveDeviceAsync(string name, DeviceKind kind, string targets, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, $"""
            INSERT INTO devices (name, kind, targets, created_at) VALUES ($name, $kind, $targets, $now)
            ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, targets = excluded.targets
            RETURNING {DeviceColumns}
            """);
        command.Parameters.AddWithValue("$name", name);
        command.Parameters.AddWithValue("$kind", kind.ToWireName());
        command.Parameters.AddWithValue("$targets", targets);
        command.Parameters.AddWithValue("$now", ToUnixMs(DateTimeOffset.UtcNow));
        return (await ReadDeviceAsync(connection, command, cancellationToken).ConfigureAwait(false))!;
    }

    public async Task SetDeviceAgentsAsync(long deviceId, IReadOnlyList<long> agentIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(agentIds);
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction();
        await using (var clear = Command(connection, "DELETE FROM device_agents WHERE device_id = $device", transaction))
        {
            clear.Parameters.AddWithValue("$device", deviceId);
            await clear.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var add = Command(connection, "INSERT INTO device_agents (device_id, agent_id) VALUES ($device, $agent)", transaction))
        {
            var p = Parameters(add, "$device", "$agent");
            p[0].Value = deviceId;
            foreach (var agent in agentIds.Distinct())
            {
                p[1].Value = agent;
                await add.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<DeviceSummary>> ListDevicesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, $"""
            SELECT {string.Join(", ", DeviceColumns.Split(", ").Select(c => "d." + c))},
                (SELECT COUNT(*) FROM baseline_hosts h WHERE h.device_id = d.id AND h.state = 'up'),
                (SELECT COUNT(*) FROM baseline_ports p WHERE p.device_id = d.id AND p.open = 1),
                (SELECT COUNT(*) FROM polls p WHERE p.device_id = d.id AND p.status = 'completed'),
                (SELECT p.id FROM polls p WHERE p.device_id = d.id AND p.status = 'completed' ORDER BY p.started_at DESC LIMIT 1)
            FROM devices d ORDER BY d.name
            """);
        var rows = new List<(Device Device, int HostsUp, long OpenPorts, int Polls, string? LastPoll)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add((ReadDevice(reader), reader.GetInt32(8), reader.GetInt64(9), reader.GetInt32(10), reader.IsDBNull(11) ? null : reader.GetString(11)));
            }
        }

        var agents = await AgentsOfDevicesAsync(connection, cancellationToken).ConfigureAwait(false);
        var summaries = new List<DeviceSummary>(rows.Count);
        foreach (var row in rows)
        {
            var last = row.LastPoll is null ? null : await ReadPollAsync(connection, row.LastPoll, cancellationToken).ConfigureAwait(false);
            var device = row.Device with { AgentIds = agents.GetValueOrDefault(row.Device.Id) ?? [] };
            summaries.Add(new DeviceSummary(device, row.HostsUp, row.OpenPorts, row.Polls, last));
        }

        return summaries;
    }

    public async Task<Tracker> SaveTrackerAsync(Tracker tracker, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tracker);
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        const string Values = "$device, $name, $ports, $exclude, $engine, $schedule, $confirm, $baseline, $options, $mode, $shard, $enabled";
        await using var command = Command(connection, tracker.Id == 0
            ? $"""
                INSERT INTO trackers (device_id, name, ports, exclude_ports, engine, schedule, confirm_polls, baseline_events, options, mode, shard_size, enabled)
                VALUES ({Values})
                ON CONFLICT (device_id, name) WHERE deleted_at IS NULL DO UPDATE SET ports = excluded.ports,
                    exclude_ports = excluded.exclude_ports, engine = excluded.engine, schedule = excluded.schedule,
                    confirm_polls = excluded.confirm_polls, baseline_events = excluded.baseline_events, options = excluded.options,
                    mode = excluded.mode, shard_size = excluded.shard_size, enabled = excluded.enabled
                RETURNING {TrackerColumns}
                """
            : $"""
                UPDATE trackers SET device_id = $device, name = $name, ports = $ports, exclude_ports = $exclude, engine = $engine,
                    schedule = $schedule, confirm_polls = $confirm, baseline_events = $baseline, options = $options, mode = $mode,
                    shard_size = $shard, enabled = $enabled
                WHERE id = $id AND deleted_at IS NULL
                RETURNING {TrackerColumns}
                """);
        command.Parameters.AddWithValue("$id", tracker.Id);
        command.Parameters.AddWithValue("$device", tracker.DeviceId);
        command.Parameters.AddWithValue("$name", tracker.Name);
        command.Parameters.AddWithValue("$ports", tracker.Ports);
        command.Parameters.AddWithValue("$exclude", tracker.ExcludePorts);
        command.Parameters.AddWithValue("$engine", tracker.Engine);
        command.Parameters.AddWithValue("$schedule", tracker.Schedule);
        command.Parameters.AddWithValue("$confirm", tracker.Policy.ConfirmPolls);
        command.Parameters.AddWithValue("$baseline", tracker.Policy.SendBaselineEvents ? 1 : 0);
        command.Parameters.AddWithValue("$options", tracker.OptionsJson);
        command.Parameters.AddWithValue("$mode", tracker.Mode.ToWireName());
        command.Parameters.AddWithValue("$shard", ToDb(tracker.ShardSize));
        command.Parameters.AddWithValue("$enabled", tracker.Enabled ? 1 : 0);
        return (await ReadTrackersAsync(command, cancellationToken).ConfigureAwait(false)).SingleOrDefault()
            ?? throw new StoreException($"tracker {tracker.Id} does not exist");
    }

    public async Task<IReadOnlyList<Tracker>> ListTrackersAsync(long deviceId, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, $"SELECT {TrackerColumns} FROM trackers WHERE device_id = $device AND deleted_at IS NULL ORDER BY name");
        command.Parameters.AddWithValue("$device", deviceId);
        return await ReadTrackersAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Tracker?> GetTrackerAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, $"SELECT {TrackerColumns} FROM trackers WHERE id = $id AND deleted_at IS NULL");
        command.Parameters.AddWithValue("$id", id);
        return (await ReadTrackersAsync(command, cancellationToken).ConfigureAwait(false)).SingleOrDefault();
    }

    public async Task<IReadOnlyList<Tracker>> ListAllTrackersAsync(CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, $"SELECT {TrackerColumns} FROM trackers WHERE deleted_at IS NULL ORDER BY id");
        return await ReadTrackersAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<(Tracker Tracker, Device Device)>> ListTrackersForAgentAsync(long agentId, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, $"""
            SELECT {string.Join(", ", TrackerColumns.Split(", ").Select(c => "t." + c))}
            FROM trackers t JOIN device_agents a ON a.device_id = t.device_id
            WHERE a.agent_id = $agent AND t.deleted_at IS NULL AND t.enabled = 1 ORDER BY t.id
            """);
        command.Parameters.AddWithValue("$agent", agentId);
        var trackers = await ReadTrackersAsync(command, cancellationToken).ConfigureAwait(false);
        var result = new List<(Tracker, Device)>(trackers.Count);
        foreach (var tracker in trackers)
        {
            await using var device = Command(connection, $"SELECT {DeviceColumns} FROM devices WHERE id = $id");
            device.Parameters.AddWithValue("$id", tracker.DeviceId);
            result.Add((tracker, (await ReadDeviceAsync(connection, device, cancellationToken).ConfigureAwait(false))!));
        }

        return result;
    }

    public async Task<bool> DeleteTrackerAsync(long id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "UPDATE trackers SET deleted_at = $now WHERE id = $id AND deleted_at IS NULL");
        command.Parameters.AddWithValue("$now", ToUnixMs(now));
        command.Parameters.AddWithValue("$id", id);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<bool> SetExpectedPortsAsync(long deviceId, string? ports, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "UPDATE devices SET expected_ports = $ports WHERE id = $id");
        command.Parameters.AddWithValue("$ports", ToDb(ports));
        command.Parameters.AddWithValue("$id", deviceId);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<bool> RequestRunAsync(long trackerId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "UPDATE trackers SET run_requested_at = $now WHERE id = $id AND deleted_at IS NULL");
        command.Parameters.AddWithValue("$now", ToUnixMs(now));
        command.Parameters.AddWithValue("$id", trackerId);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    private static async Task<Device?> ReadDeviceAsync(SqliteConnection connection, SqliteCommand command, CancellationToken cancellationToken)
    {
        Device device;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            device = ReadDevice(reader);
        }

        await using var agents = Command(connection, "SELECT agent_id FROM device_agents WHERE device_id = $device ORDER BY agent_id");
        agents.Parameters.AddWithValue("$device", device.Id);
        var ids = new List<long>();
        await using var rows = await agents.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await rows.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            ids.Add(rows.GetInt64(0));
        }

        return device with { AgentIds = ids };
    }

    private static async Task<Dictionary<long, List<long>>> AgentsOfDevicesAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, "SELECT device_id, agent_id FROM device_agents ORDER BY device_id, agent_id");
        var map = new Dictionary<long, List<long>>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!map.TryGetValue(reader.GetInt64(0), out var list))
            {
                map[reader.GetInt64(0)] = list = [];
            }

            list.Add(reader.GetInt64(1));
        }

        return map;
    }

    private static async Task<List<Tracker>> ReadTrackersAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var trackers = new List<Tracker>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!TrackerModeNames.TryParse(reader.GetString(10), out var mode))
            {
                throw new StoreException($"tracker {reader.GetInt64(0)} has an unknown mode '{reader.GetString(10)}'");
            }

            trackers.Add(new Tracker(
                reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetString(5), reader.GetString(6), new TrackingPolicy(reader.GetInt32(7), reader.GetInt32(8) != 0))
            {
                OptionsJson = reader.GetString(9),
                Mode = mode,
                ShardSize = reader.IsDBNull(11) ? null : reader.GetInt32(11),
                Enabled = reader.GetInt64(12) != 0,
                RunRequestedAt = reader.IsDBNull(13) ? null : FromUnixMs(reader.GetInt64(13)),
            });
        }

        return trackers;
    }

    private static Device ReadDevice(SqliteDataReader reader) =>
        new(reader.GetInt64(0), reader.GetString(1), DeviceKindNames.Parse(reader.GetString(2)), reader.GetString(3), FromUnixMs(reader.GetInt64(4)))
        {
            BaselineEstablished = reader.GetInt64(5) != 0,
            LastPollAt = reader.IsDBNull(6) ? null : FromUnixMs(reader.GetInt64(6)),
            ExpectedPorts = reader.IsDBNull(7) ? null : reader.GetString(7),
        };
}
