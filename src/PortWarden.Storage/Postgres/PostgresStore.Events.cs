using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using Npgsql;
using NpgsqlTypes;
using PortWarden.Core.Ports;
using PortWarden.Core.Tracking;
using static PortWarden.Storage.StoredValues;

namespace PortWarden.Storage.Postgres;

public sealed partial class PostgresStore
{
    private const string EventColumns =
        "e.seq, e.id, e.type, e.device_id, d.name, e.poll_id, e.occurred_at, e.changed_after, e.recorded_at, e.host, e.hostname, " +
        "e.protocol, e.port, e.old_state, e.new_state, e.service, e.old_service, e.detail, e.old_detail, e.process, e.old_process, " +
        "e.bind_address, e.classification, e.window_id, e.reference, e.payload";

    public async IAsyncEnumerable<TrackEvent> QueryEventsAsync(EventQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "");
        var sql = new StringBuilder($"SELECT {EventColumns} FROM events e JOIN devices d ON d.id = e.device_id WHERE true");
        if (query.DeviceId is { } device)
        {
            sql.Append(" AND e.device_id = @device");
            command.Add("device", device);
        }

        if (query.Since is { } since)
        {
            sql.Append(" AND e.occurred_at >= @since");
            command.Add("since", since);
        }

        if (query.Until is { } until)
        {
            sql.Append(" AND e.occurred_at <= @until");
            command.Add("until", until);
        }

        if (query.Classification is { } classification)
        {
            sql.Append(" AND e.classification = @classification");
            command.Add("classification", classification.ToWireName());
        }

        if (query.Host is { } host)
        {
            sql.Append(" AND e.host = @host");
            command.Add("host", host);
        }

        if (query.Port is { } port)
        {
            sql.Append(" AND e.protocol = @protocol AND e.port = @port");
            command.Add("protocol", port.Protocol.ToWireName());
            command.Add("port", port.Port);
        }

        if (query.AfterSequence is { } after)
        {
            sql.Append(" AND e.seq > @after");
            command.Add("after", after);
        }

        if (query.BeforeSequence is { } before)
        {
            sql.Append(" AND e.seq < @before");
            command.Add("before", before);
        }

        if (query.WindowId is { } window)
        {
            sql.Append(" AND e.window_id = @window");
            command.Add("window", window);
        }

        if (query.Types is { Count: > 0 } types)
        {
            sql.Append(" AND e.type = ANY(@types)");
            command.AddArray("types", NpgsqlDbType.Text, types.Select(type => type.ToWireName()).ToArray());
        }

        sql.Append(query.NewestFirst ? " ORDER BY e.seq DESC" : " ORDER BY e.seq");
        if (query.Limit is { } limit)
        {
            sql.Append(" LIMIT @limit");
            command.Add("limit", (long)limit);
        }

        command.CommandText = sql.ToString();

        // The reader pulls rows off the socket as they are consumed: the log is never held in memory.
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return ReadEvent(reader);
        }
    }

    /// <summary>
    /// Appends events in list order, in batches of one statement each. Takes the event-log lock first (held until the
    /// caller commits, so callers append their events last): sequence numbers then follow commit order.
    /// </summary>
    private static async Task InsertEventsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<TrackEvent> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return;
        }

        await LockEventLogAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        foreach (var batch in events.Chunk(BatchRows))
        {
            await using var command = Command(connection, """
                INSERT INTO events (id, type, device_id, poll_id, occurred_at, changed_after, recorded_at, host, hostname, protocol, port,
                    old_state, new_state, service, old_service, detail, old_detail, process, old_process, bind_address, classification,
                    window_id, reference, payload)
                SELECT id, type, device_id, poll_id, occurred_at, changed_after, recorded_at, host, hostname, protocol, port,
                    old_state, new_state, service, old_service, detail, old_detail, process, old_process, bind_address, classification,
                    window_id, reference, payload
                FROM unnest(@id, @type, @device, @poll, @occurred, @after, @recorded, @host, @hostname, @protocol, @port, @old_state, @new_state,
                    @service, @old_service, @detail, @old_detail, @process, @old_process, @bind, @classification, @window, @reference, @payload)
                    WITH ORDINALITY AS e (id, type, device_id, poll_id, occurred_at, changed_after, recorded_at, host, hostname, protocol, port,
                        old_state, new_state, service, old_service, detail, old_detail, process, old_process, bind_address, classification,
                        window_id, reference, payload, position)
                ORDER BY position
                """, transaction);
            command.AddArray("id", NpgsqlDbType.Uuid, batch.Select(e => e.Id).ToArray());
            command.AddArray("type", NpgsqlDbType.Text, batch.Select(e => e.Type.ToWireName()).ToArray());
            command.AddArray("device", NpgsqlDbType.Bigint, batch.Select(e => e.DeviceId).ToArray());
            command.AddArray("poll", NpgsqlDbType.Uuid, batch.Select(e => e.PollId).ToArray());
            command.AddArray("occurred", NpgsqlDbType.TimestampTz, batch.Select(e => PostgresValues.Instant(e.OccurredAt)).ToArray());
            command.AddArray("after", NpgsqlDbType.TimestampTz, batch.Select(e => PostgresValues.Instant(e.ChangedAfter)).ToArray());
            command.AddArray("recorded", NpgsqlDbType.TimestampTz, batch.Select(e => PostgresValues.Instant(e.RecordedAt)).ToArray());
            command.AddArray("host", NpgsqlDbType.Text, batch.Select(e => e.Host).ToArray());
            command.AddArray("hostname", NpgsqlDbType.Text, batch.Select(e => e.HostName).ToArray());
            command.AddArray("protocol", NpgsqlDbType.Text, batch.Select(e => e.Protocol?.ToWireName()).ToArray());
            command.AddArray("port", NpgsqlDbType.Integer, batch.Select(e => e.Port).ToArray());
            command.AddArray("old_state", NpgsqlDbType.Text, batch.Select(e => e.OldState).ToArray());
            command.AddArray("new_state", NpgsqlDbType.Text, batch.Select(e => e.NewState).ToArray());
            command.AddArray("service", NpgsqlDbType.Text, batch.Select(e => e.Service).ToArray());
            command.AddArray("old_service", NpgsqlDbType.Text, batch.Select(e => e.OldService).ToArray());
            command.AddArray("detail", NpgsqlDbType.Jsonb, batch.Select(e => JsonOrNull(ToJson(e.Detail))).ToArray());
            command.AddArray("old_detail", NpgsqlDbType.Jsonb, batch.Select(e => JsonOrNull(ToJson(e.OldDetail))).ToArray());
            command.AddArray("process", NpgsqlDbType.Jsonb, batch.Select(e => JsonOrNull(ToJson(e.Process))).ToArray());
            command.AddArray("old_process", NpgsqlDbType.Jsonb, batch.Select(e => JsonOrNull(ToJson(e.OldProcess))).ToArray());
            command.AddArray("bind", NpgsqlDbType.Text, batch.Select(e => e.BindAddress?.ToString()).ToArray());
            command.AddArray("classification", NpgsqlDbType.Text, batch.Select(e => e.Classification?.ToWireName()).ToArray());
            command.AddArray("window", NpgsqlDbType.Bigint, batch.Select(e => e.WindowId).ToArray());
            command.AddArray("reference", NpgsqlDbType.Text, batch.Select(e => e.Reference).ToArray());
            command.AddArray("payload", NpgsqlDbType.Json, batch.Select(e => e.Payload).ToArray());
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static TrackEvent ReadEvent(NpgsqlDataReader reader)
    {
        if (!EventTypeNames.TryParse(reader.GetString(2), out var type))
        {
            throw new StoreException($"event {reader.GetInt64(0)} has an unknown type '{reader.GetString(2)}'");
        }

        return new TrackEvent
        {
            Sequence = reader.GetInt64(0),
            Id = reader.GetGuid(1),
            Type = type,
            DeviceId = reader.GetInt64(3),
            Device = reader.GetString(4),
            PollId = reader.GetGuid(5),
            OccurredAt = reader.GetInstant(6),
            ChangedAfter = reader.GetInstantOrNull(7),
            RecordedAt = reader.GetInstant(8),
            Host = reader.GetTextOrNull(9),
            HostName = reader.GetTextOrNull(10),
            Protocol = reader.GetTextOrNull(11) is { } protocol ? (protocol == "udp" ? Protocol.Udp : Protocol.Tcp) : null,
            Port = reader.GetInt32OrNull(12),
            OldState = reader.GetTextOrNull(13),
            NewState = reader.GetTextOrNull(14),
            Service = reader.GetTextOrNull(15),
            OldService = reader.GetTextOrNull(16),
            Detail = DetailFromJson(reader.GetTextOrNull(17)),
            OldDetail = DetailFromJson(reader.GetTextOrNull(18)),
            Process = ProcessFromJson(reader.GetTextOrNull(19)),
            OldProcess = ProcessFromJson(reader.GetTextOrNull(20)),
            BindAddress = reader.GetTextOrNull(21) is { } bind ? IPAddress.Parse(bind) : null,
            Classification = ClassificationNames.Parse(reader.GetTextOrNull(22)),
            WindowId = reader.GetInt64OrNull(23),
            Reference = reader.GetTextOrNull(24),
            Payload = reader.GetTextOrNull(25),
        };
    }
}
