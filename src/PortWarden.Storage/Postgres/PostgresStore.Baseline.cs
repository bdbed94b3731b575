using System.Data;
using System.Net;
using Npgsql;
using NpgsqlTypes;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;
using PortWarden.Core.Targets;
using PortWarden.Core.Tracking;
using static PortWarden.Storage.StoredValues;

namespace PortWarden.Storage.Postgres;

public sealed partial class PostgresStore
{
    /// <summary>Rows per statement when a poll writes its baseline: large enough to make round trips negligible, small enough to bound memory.</summary>
    private const int BatchRows = 10_000;

    public async Task<DeviceBaseline> LoadBaselineAsync(Device device, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(device);
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);

        // One snapshot for the three reads, without blocking writers.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        await using (var readOnly = Command(connection, "SET TRANSACTION READ ONLY", transaction))
        {
            await readOnly.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        // One query streamed in binary: a million-row baseline is one round trip.
        var ports = new Dictionary<string, Dictionary<PortKey, PortBaseline>>();
        await using (var command = Command(connection, """
            SELECT host, protocol, port, open, service, detail, process, bind_address, first_seen, last_changed,
                   pending_state, pending_count, pending_after, pending_seen
            FROM baseline_ports WHERE device_id = @device
            """, transaction))
        {
            command.Add("device", device.Id);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            Dictionary<PortKey, PortBaseline>? map = null;
            string? mapHost = null;
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var host = reader.GetString(0);
                if (host != mapHost && !ports.TryGetValue(host, out map))
                {
                    ports[host] = map = [];
                }

                mapHost = host;
                var key = new PortKey(reader.GetString(1) == "udp" ? Protocol.Udp : Protocol.Tcp, reader.GetInt32(2));
                map![key] = new PortBaseline(key, reader.GetBoolean(3))
                {
                    Service = reader.GetTextOrNull(4),
                    Detail = DetailFromJson(reader.GetTextOrNull(5)),
                    Process = ProcessFromJson(reader.GetTextOrNull(6)),
                    BindAddress = reader.GetTextOrNull(7) is { } bind ? IPAddress.Parse(bind) : null,
                    FirstSeen = reader.GetInstant(8),
                    LastChanged = reader.GetInstant(9),
                    Pending = ReadPending(reader, 10),
                };
            }
        }

        var hosts = new Dictionary<string, HostBaseline>();
        await using (var command = Command(connection, """
            SELECT host, hostname, state, first_seen, last_changed, pending_state, pending_count, pending_after, pending_seen
            FROM baseline_hosts WHERE device_id = @device
            """, transaction))
        {
            command.Add("device", device.Id);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var address = reader.GetString(0);
                hosts[address] = new HostBaseline(address, reader.GetString(2) == "up" ? HostState.Up : HostState.Down)
                {
                    HostName = reader.GetTextOrNull(1),
                    FirstSeen = reader.GetInstant(3),
                    LastChanged = reader.GetInstant(4),
                    Pending = ReadPending(reader, 5),
                    Ports = ports.TryGetValue(address, out var map) ? map : new Dictionary<PortKey, PortBaseline>(),
                };
            }
        }

        // The device row may have moved on since the caller read it (another poll): use the current one.
        await using (var command = Command(connection, $"SELECT {DeviceColumns} FROM devices d WHERE d.id = @device", transaction))
        {
            command.Add("device", device.Id);
            device = await ReadDeviceAsync(command, cancellationToken).ConfigureAwait(false) ?? device;
        }

        string? decided;
        await using (var command = Command(connection, "SELECT decided FROM devices WHERE id = @device", transaction))
        {
            command.Add("device", device.Id);
            decided = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new DeviceBaseline(device, hosts)
        {
            Decided = AddressRanges.Parse(decided),
            LegacyCoverage = decided is null && device.BaselineEstablished,
        };
    }

    private static PendingChange? ReadPending(NpgsqlDataReader reader, int first) => reader.IsDBNull(first)
        ? null
        : new PendingChange(reader.GetString(first), reader.GetInt32(first + 1), reader.GetInstant(first + 2), reader.GetInstant(first + 3));

    /// <summary>
    /// Writes a poll's baseline changes in batches: each batch is one statement over arrays (unnest), so a first poll
    /// of a large network costs a few round trips, not one per row.
    /// </summary>
    private static async Task WriteBaselineAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, long deviceId, BaselineChanges changes, CancellationToken cancellationToken)
    {
        if (changes.Decided is { } decided)
        {
            await using var coverage = Command(connection, "UPDATE devices SET decided = @decided WHERE id = @device", transaction);
            coverage.Add("decided", decided.ToString());
            coverage.Add("device", deviceId);
            await coverage.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var chunk in changes.Hosts.Chunk(BatchRows))
        {
            var batch = LastOfEachKey(chunk, host => host.Address);
            await using var command = Command(connection, """
                INSERT INTO baseline_hosts (device_id, host, hostname, state, first_seen, last_changed, pending_state, pending_count,
                    pending_after, pending_seen)
                SELECT @device, * FROM unnest(@host, @hostname, @state, @first, @changed, @pstate, @pcount, @pafter, @pseen)
                ON CONFLICT (device_id, host) DO UPDATE SET hostname = excluded.hostname, state = excluded.state,
                    first_seen = excluded.first_seen, last_changed = excluded.last_changed, pending_state = excluded.pending_state,
                    pending_count = excluded.pending_count, pending_after = excluded.pending_after, pending_seen = excluded.pending_seen
                """, transaction);
            command.Add("device", deviceId);
            command.AddArray("host", NpgsqlDbType.Text, batch.Select(h => h.Address).ToArray());
            command.AddArray("hostname", NpgsqlDbType.Text, batch.Select(h => h.HostName).ToArray());
            command.AddArray("state", NpgsqlDbType.Text, batch.Select(h => h.State == HostState.Up ? "up" : "down").ToArray());
            command.AddArray("first", NpgsqlDbType.TimestampTz, batch.Select(h => PostgresValues.Instant(h.FirstSeen)).ToArray());
            command.AddArray("changed", NpgsqlDbType.TimestampTz, batch.Select(h => PostgresValues.Instant(h.LastChanged)).ToArray());
            AddPending(command, batch.Select(h => h.Pending).ToArray());
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var chunk in changes.Ports.Chunk(BatchRows))
        {
            var batch = LastOfEachKey(chunk, row => (row.Host, row.Port.Key));
            await using var command = Command(connection, """
                INSERT INTO baseline_ports (device_id, host, protocol, port, open, service, detail, process, bind_address, first_seen, last_changed,
                    pending_state, pending_count, pending_after, pending_seen)
                SELECT @device, * FROM unnest(@host, @protocol, @port, @open, @service, @detail, @process, @bind, @first, @changed,
                    @pstate, @pcount, @pafter, @pseen)
                ON CONFLICT (device_id, host, protocol, port) DO UPDATE SET open = excluded.open, service = excluded.service,
                    detail = excluded.detail, process = excluded.process, bind_address = excluded.bind_address, first_seen = excluded.first_seen,
                    last_changed = excluded.last_changed, pending_state = excluded.pending_state, pending_count = excluded.pending_count,
                    pending_after = excluded.pending_after, pending_seen = excluded.pending_seen
                """, transaction);
            command.Add("device", deviceId);
            command.AddArray("host", NpgsqlDbType.Text, batch.Select(r => r.Host).ToArray());
            command.AddArray("protocol", NpgsqlDbType.Text, batch.Select(r => r.Port.Key.Protocol.ToWireName()).ToArray());
            command.AddArray("port", NpgsqlDbType.Integer, batch.Select(r => r.Port.Key.Port).ToArray());
            command.AddArray("open", NpgsqlDbType.Boolean, batch.Select(r => r.Port.Open).ToArray());
            command.AddArray("service", NpgsqlDbType.Text, batch.Select(r => r.Port.Service).ToArray());
            command.AddArray("detail", NpgsqlDbType.Jsonb, batch.Select(r => JsonOrNull(ToJson(r.Port.Detail))).ToArray());
            command.AddArray("process", NpgsqlDbType.Jsonb, batch.Select(r => JsonOrNull(ToJson(r.Port.Process))).ToArray());
            command.AddArray("bind", NpgsqlDbType.Text, batch.Select(r => r.Port.BindAddress?.ToString()).ToArray());
            command.AddArray("first", NpgsqlDbType.TimestampTz, batch.Select(r => PostgresValues.Instant(r.Port.FirstSeen)).ToArray());
            command.AddArray("changed", NpgsqlDbType.TimestampTz, batch.Select(r => PostgresValues.Instant(r.Port.LastChanged)).ToArray());
            AddPending(command, batch.Select(r => r.Port.Pending).ToArray());
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var batch in changes.RemovedPorts.Chunk(BatchRows))
        {
            await using var command = Command(connection, """
                DELETE FROM baseline_ports b USING unnest(@host, @protocol, @port) AS r (host, protocol, port)
                WHERE b.device_id = @device AND b.host = r.host AND b.protocol = r.protocol AND b.port = r.port
                """, transaction);
            command.Add("device", deviceId);
            command.AddArray("host", NpgsqlDbType.Text, batch.Select(r => r.Host).ToArray());
            command.AddArray("protocol", NpgsqlDbType.Text, batch.Select(r => r.Key.Protocol.ToWireName()).ToArray());
            command.AddArray("port", NpgsqlDbType.Integer, batch.Select(r => r.Key.Port).ToArray());
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static void AddPending(NpgsqlCommand command, PendingChange?[] pending)
    {
        command.AddArray("pstate", NpgsqlDbType.Text, pending.Select(p => p?.State).ToArray());
        command.AddArray("pcount", NpgsqlDbType.Integer, pending.Select(p => p?.Count).ToArray());
        command.AddArray("pafter", NpgsqlDbType.TimestampTz, pending.Select(p => PostgresValues.Instant(p?.ChangedAfter)).ToArray());
        command.AddArray("pseen", NpgsqlDbType.TimestampTz, pending.Select(p => PostgresValues.Instant(p?.FirstSeenAt)).ToArray());
    }

    private static string? JsonOrNull(object json) => json as string;

    /// <summary>
    /// A batch without its earlier duplicates. One upsert statement may not touch a row twice, and row-by-row writing
    /// (the SQLite store) lets the last write of a key win: keep that one. (Batches run in order, so a key repeated
    /// in a later batch wins too.)
    /// </summary>
    private static List<T> LastOfEachKey<T, TKey>(T[] rows, Func<T, TKey> key)
        where TKey : notnull
    {
        var seen = new HashSet<TKey>(rows.Length);
        var kept = new List<T>(rows.Length);
        for (var i = rows.Length - 1; i >= 0; i--)
        {
            if (seen.Add(key(rows[i])))
            {
                kept.Add(rows[i]);
            }
        }

        kept.Reverse();
        return kept;
    }
}
