using Microsoft.Data.Sqlite;
using PortWarden.Core.Tracking;
using static PortWarden.Storage.StoredValues;

namespace PortWarden.Storage.Sqlite;

public sealed partial class SqliteStore
{
    private const string DeviceColumns = "id, name, kind, targets, created_at, baseline_established, last_poll_at";

    public async Task<Device?> FindDeviceAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, $"SELECT {DeviceColumns} FROM devices WHERE name = $name");
        command.Parameters.AddWithValue("$name", name);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadDevice(reader) : null;
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
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return ReadDevice(reader);
    }

    public async Task<IReadOnlyList<DeviceSummary>> ListDevicesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, $"""
            SELECT {string.Join(", ", DeviceColumns.Split(", ").Select(c => "d." + c))},
                (SELECT COUNT(*) FROM baseline_hosts h WHERE h.device_id = d.id AND h.state = 'up'),
                (SELECT COUNT(*) FROM baseline_ports p WHERE p.device_id = d.id AND p.open = 1),
                (SELECT COUNT(*) FROM polls p WHERE p.device_id = d.id),
                (SELECT p.id FROM polls p WHERE p.device_id = d.id ORDER BY p.started_at DESC LIMIT 1)
            FROM devices d ORDER BY d.name
            """);
        var rows = new List<(Device Device, int HostsUp, long OpenPorts, int Polls, string? LastPoll)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add((ReadDevice(reader), reader.GetInt32(7), reader.GetInt64(8), reader.GetInt32(9), reader.IsDBNull(10) ? null : reader.GetString(10)));
            }
        }

        var summaries = new List<DeviceSummary>(rows.Count);
        foreach (var row in rows)
        {
            var last = row.LastPoll is null ? null : await ReadPollAsync(connection, row.LastPoll, cancellationToken).ConfigureAwait(false);
            summaries.Add(new DeviceSummary(row.Device, row.HostsUp, row.OpenPorts, row.Polls, last));
        }

        return summaries;
    }

    public async Task<Tracker> SaveTrackerAsync(Tracker tracker, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tracker);
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, """
            INSERT INTO trackers (device_id, name, ports, exclude_ports, engine, schedule, confirm_polls, baseline_events, options)
            VALUES ($device, $name, $ports, $exclude, $engine, $schedule, $confirm, $baseline, $options)
            ON CONFLICT (device_id, name) DO UPDATE SET ports = excluded.ports, exclude_ports = excluded.exclude_ports,
                engine = excluded.engine, schedule = excluded.schedule, confirm_polls = excluded.confirm_polls,
                baseline_events = excluded.baseline_events, options = excluded.options
            RETURNING id
            """);
        command.Parameters.AddWithValue("$device", tracker.DeviceId);
        command.Parameters.AddWithValue("$name", tracker.Name);
        command.Parameters.AddWithValue("$ports", tracker.Ports);
        command.Parameters.AddWithValue("$exclude", tracker.ExcludePorts);
        command.Parameters.AddWithValue("$engine", tracker.Engine);
        command.Parameters.AddWithValue("$schedule", tracker.Schedule);
        command.Parameters.AddWithValue("$confirm", tracker.Policy.ConfirmPolls);
        command.Parameters.AddWithValue("$baseline", tracker.Policy.SendBaselineEvents ? 1 : 0);
        command.Parameters.AddWithValue("$options", tracker.OptionsJson);
        var id = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        return tracker with { Id = id };
    }

    public async Task<IReadOnlyList<Tracker>> ListTrackersAsync(long deviceId, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, """
            SELECT id, device_id, name, ports, exclude_ports, engine, schedule, confirm_polls, baseline_events, options
            FROM trackers WHERE device_id = $device ORDER BY name
            """);
        command.Parameters.AddWithValue("$device", deviceId);
        var trackers = new List<Tracker>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            trackers.Add(new Tracker(
                reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetString(5), reader.GetString(6), new TrackingPolicy(reader.GetInt32(7), reader.GetInt32(8) != 0))
            {
                OptionsJson = reader.GetString(9),
            });
        }

        return trackers;
    }

    private static Device ReadDevice(SqliteDataReader reader) =>
        new(reader.GetInt64(0), reader.GetString(1), DeviceKindNames.Parse(reader.GetString(2)), reader.GetString(3), FromUnixMs(reader.GetInt64(4)))
        {
            BaselineEstablished = reader.GetInt64(5) != 0,
            LastPollAt = reader.IsDBNull(6) ? null : FromUnixMs(reader.GetInt64(6)),
        };
}
