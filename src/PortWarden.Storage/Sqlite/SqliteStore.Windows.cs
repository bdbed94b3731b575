using Microsoft.Data.Sqlite;
using PortWarden.Core.Tracking;
using static PortWarden.Storage.StoredValues;

namespace PortWarden.Storage.Sqlite;

public sealed partial class SqliteStore
{
    public async Task<ChangeWindow> AddChangeWindowAsync(ChangeWindow window, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(window);
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, """
            INSERT INTO change_windows (device_id, targets, ports, exclude_ports, starts_at, ends_at, reference, description, created_at)
            VALUES ($device, $targets, $ports, $exclude, $from, $to, $reference, $description, $created)
            RETURNING id
            """);
        var created = window.CreatedAt == default ? DateTimeOffset.UtcNow : window.CreatedAt;
        AddWindowParameters(command, window);
        command.Parameters.AddWithValue("$created", ToUnixMs(created));
        var id = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        return window with { Id = id, CreatedAt = FromUnixMs(ToUnixMs(created)) };
    }

    public async Task<IReadOnlyList<ChangeWindow>> ListChangeWindowsAsync(long? deviceId, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, $"""
            SELECT w.id, w.device_id, w.targets, w.ports, w.exclude_ports, w.starts_at, w.ends_at, w.reference, w.description,
                   w.created_at, d.name
            FROM change_windows w LEFT JOIN devices d ON d.id = w.device_id
            WHERE w.removed_at IS NULL {(deviceId is null ? "" : "AND (w.device_id = $device OR w.device_id IS NULL)")}
            ORDER BY w.starts_at, w.id
            """);
        if (deviceId is { } device)
        {
            command.Parameters.AddWithValue("$device", device);
        }

        var windows = new List<ChangeWindow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            windows.Add(new ChangeWindow(
                reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetInt64(1), Text(2), Text(3), Text(4),
                FromUnixMs(reader.GetInt64(5)), FromUnixMs(reader.GetInt64(6)), Text(7), Text(8))
            {
                CreatedAt = FromUnixMs(reader.GetInt64(9)),
                DeviceName = Text(10),
            });
        }

        return windows;
    }

    public async Task<bool> UpdateChangeWindowAsync(ChangeWindow window, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(window);
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, """
            UPDATE change_windows SET device_id = $device, targets = $targets, ports = $ports, exclude_ports = $exclude,
                   starts_at = $from, ends_at = $to, reference = $reference, description = $description
            WHERE id = $id AND removed_at IS NULL
            """);
        command.Parameters.AddWithValue("$id", window.Id);
        AddWindowParameters(command, window);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<bool> RemoveChangeWindowAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "UPDATE change_windows SET removed_at = $now WHERE id = $id AND removed_at IS NULL");
        command.Parameters.AddWithValue("$now", ToUnixMs(DateTimeOffset.UtcNow));
        command.Parameters.AddWithValue("$id", id);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>The window's definition, as both inserting and updating write it.</summary>
    private static void AddWindowParameters(SqliteCommand command, ChangeWindow window)
    {
        command.Parameters.AddWithValue("$device", ToDb(window.DeviceId));
        command.Parameters.AddWithValue("$targets", ToDb(window.Targets));
        command.Parameters.AddWithValue("$ports", ToDb(window.Ports));
        command.Parameters.AddWithValue("$exclude", ToDb(window.ExcludePorts));
        command.Parameters.AddWithValue("$from", ToUnixMs(window.From));
        command.Parameters.AddWithValue("$to", ToUnixMs(window.To));
        command.Parameters.AddWithValue("$reference", ToDb(window.Reference));
        command.Parameters.AddWithValue("$description", ToDb(window.Description));
    }
}
