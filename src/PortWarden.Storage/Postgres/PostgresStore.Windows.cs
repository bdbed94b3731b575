using Npgsql;
using PortWarden.Core.Tracking;

namespace PortWarden.Storage.Postgres;

public sealed partial class PostgresStore
{
    public async Task<ChangeWindow> AddChangeWindowAsync(ChangeWindow window, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(window);
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, """
            INSERT INTO change_windows (device_id, targets, ports, exclude_ports, starts_at, ends_at, reference, description, created_at)
            VALUES (@device, @targets, @ports, @exclude, @from, @to, @reference, @description, @created)
            RETURNING id
            """);
        var created = PostgresValues.Instant(window.CreatedAt == default ? DateTimeOffset.UtcNow : window.CreatedAt);
        AddWindowParameters(command, window);
        command.Add("created", created);
        var id = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        return window with { Id = id, CreatedAt = created };
    }

    public async Task<IReadOnlyList<ChangeWindow>> ListChangeWindowsAsync(long? deviceId, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, $"""
            SELECT w.id, w.device_id, w.targets, w.ports, w.exclude_ports, w.starts_at, w.ends_at, w.reference, w.description,
                   w.created_at, d.name
            FROM change_windows w LEFT JOIN devices d ON d.id = w.device_id
            WHERE w.removed_at IS NULL {(deviceId is null ? "" : "AND (w.device_id = @device OR w.device_id IS NULL)")}
            ORDER BY w.starts_at, w.id
            """);
        if (deviceId is { } device)
        {
            command.Add("device", device);
        }

        var windows = new List<ChangeWindow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            windows.Add(new ChangeWindow(
                reader.GetInt64(0), reader.GetInt64OrNull(1), reader.GetTextOrNull(2), reader.GetTextOrNull(3), reader.GetTextOrNull(4),
                reader.GetInstant(5), reader.GetInstant(6), reader.GetTextOrNull(7), reader.GetTextOrNull(8))
            {
                CreatedAt = reader.GetInstant(9),
                DeviceName = reader.GetTextOrNull(10),
            });
        }

        return windows;
    }

    public async Task<bool> UpdateChangeWindowAsync(ChangeWindow window, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(window);
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, """
            UPDATE change_windows SET device_id = @device, targets = @targets, ports = @ports, exclude_ports = @exclude,
                   starts_at = @from, ends_at = @to, reference = @reference, description = @description
            WHERE id = @id AND removed_at IS NULL
            """);
        command.Add("id", window.Id);
        AddWindowParameters(command, window);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<bool> RemoveChangeWindowAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);

        // Soft removal: events stamped with the window keep pointing at a row that still says what it was.
        await using var command = Command(connection, "UPDATE change_windows SET removed_at = @now WHERE id = @id AND removed_at IS NULL");
        command.Add("now", DateTimeOffset.UtcNow);
        command.Add("id", id);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>The window's definition, as both inserting and updating write it.</summary>
    private static void AddWindowParameters(NpgsqlCommand command, ChangeWindow window)
    {
        command.Add("device", window.DeviceId);
        command.Add("targets", window.Targets);
        command.Add("ports", window.Ports);
        command.Add("exclude", window.ExcludePorts);
        command.Add("from", window.From);
        command.Add("to", window.To);
        command.Add("reference", window.Reference);
        command.Add("description", window.Description);
    }
}
