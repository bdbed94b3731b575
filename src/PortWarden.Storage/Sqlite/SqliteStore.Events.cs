using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Data.Sqlite;
using PortWarden.Core.Ports;
using PortWarden.Core.Tracking;
using static PortWarden.Storage.StoredValues;

namespace PortWarden.Storage.Sqlite;

public sealed partial class SqliteStore
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
        var sql = new StringBuilder($"SELECT {EventColumns} FROM events e JOIN devices d ON d.id = e.device_id WHERE 1 = 1");
        void Where(string condition, string name, object value)
        {
            sql.Append(" AND ").Append(condition);
            command.Parameters.AddWithValue(name, value);
        }

        if (query.DeviceId is { } device)
        {
            Where("e.device_id = $device", "$device", device);
        }

        if (query.Since is { } since)
        {
            Where("e.occurred_at >= $since", "$since", ToUnixMs(since));
        }

        if (query.Until is { } until)
        {
            Where("e.occurred_at <= $until", "$until", ToUnixMs(until));
        }

        if (query.Classification is { } classification)
        {
            Where("e.classification = $classification", "$classification", classification.ToWireName());
        }

        if (query.Host is { } host)
        {
            Where("e.host = $host", "$host", host);
        }

        if (query.Port is { } port)
        {
            Where("e.protocol = $protocol", "$protocol", port.Protocol.ToWireName());
            Where("e.port = $port", "$port", port.Port);
        }

        if (query.AfterSequence is { } after)
        {
            Where("e.seq > $after", "$after", after);
        }

        if (query.BeforeSequence is { } before)
        {
            Where("e.seq < $before", "$before", before);
        }

        if (query.WindowId is { } window)
        {
            Where("e.window_id = $window", "$window", window);
        }

        if (query.Types is { Count: > 0 } types)
        {
            var names = types.Select((type, i) => (Name: $"$type{i}", Value: type.ToWireName())).ToList();
            sql.Append($" AND e.type IN ({string.Join(", ", names.Select(n => n.Name))})");
            names.ForEach(n => command.Parameters.AddWithValue(n.Name, n.Value));
        }

        sql.Append(query.NewestFirst ? " ORDER BY e.seq DESC" : " ORDER BY e.seq");
        if (query.Limit is { } limit)
        {
            sql.Append(" LIMIT $limit");
            command.Parameters.AddWithValue("$limit", limit);
        }

        command.CommandText = sql.ToString();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return ReadEvent(reader);
        }
    }

    private static async Task InsertEventsAsync(
        SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<TrackEvent> events, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, """
            INSERT INTO events (id, type, device_id, poll_id, occurred_at, changed_after, recorded_at, host, hostname, protocol, port,
                old_state, new_state, service, old_service, detail, old_detail, process, old_process, bind_address, classification,
                window_id, reference, payload)
            VALUES ($id, $type, $device, $poll, $occurred, $after, $recorded, $host, $hostname, $protocol, $port, $old_state, $new_state,
                $service, $old_service, $detail, $old_detail, $process, $old_process, $bind, $classification, $window, $reference, $payload)
            """, transaction);
        var p = Parameters(command, "$id", "$type", "$device", "$poll", "$occurred", "$after", "$recorded", "$host", "$hostname", "$protocol",
            "$port", "$old_state", "$new_state", "$service", "$old_service", "$detail", "$old_detail", "$process", "$old_process", "$bind",
            "$classification", "$window", "$reference", "$payload");
        foreach (var e in events)
        {
            p[0].Value = e.Id.ToString();
            p[1].Value = e.Type.ToWireName();
            p[2].Value = e.DeviceId;
            p[3].Value = e.PollId.ToString();
            p[4].Value = ToUnixMs(e.OccurredAt);
            p[5].Value = ToDb(e.ChangedAfter);
            p[6].Value = ToUnixMs(e.RecordedAt);
            p[7].Value = ToDb(e.Host);
            p[8].Value = ToDb(e.HostName);
            p[9].Value = ToDb(e.Protocol?.ToWireName());
            p[10].Value = ToDb(e.Port);
            p[11].Value = ToDb(e.OldState);
            p[12].Value = ToDb(e.NewState);
            p[13].Value = ToDb(e.Service);
            p[14].Value = ToDb(e.OldService);
            p[15].Value = ToJson(e.Detail);
            p[16].Value = ToJson(e.OldDetail);
            p[17].Value = ToJson(e.Process);
            p[18].Value = ToJson(e.OldProcess);
            p[19].Value = ToDb(e.BindAddress?.ToString());
            p[20].Value = ToDb(e.Classification?.ToWireName());
            p[21].Value = ToDb(e.WindowId);
            p[22].Value = ToDb(e.Reference);
            p[23].Value = ToDb(e.Payload);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static TrackEvent ReadEvent(SqliteDataReader reader)
    {
        string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
        if (!EventTypeNames.TryParse(reader.GetString(2), out var type))
        {
            throw new StoreException($"event {reader.GetInt64(0)} has an unknown type '{reader.GetString(2)}'");
        }

        return new TrackEvent
        {
            Sequence = reader.GetInt64(0),
            Id = Guid.Parse(reader.GetString(1)),
            Type = type,
            DeviceId = reader.GetInt64(3),
            Device = reader.GetString(4),
            PollId = Guid.Parse(reader.GetString(5)),
            OccurredAt = FromUnixMs(reader.GetInt64(6)),
            ChangedAfter = reader.IsDBNull(7) ? null : FromUnixMs(reader.GetInt64(7)),
            RecordedAt = FromUnixMs(reader.GetInt64(8)),
            Host = Text(9),
            HostName = Text(10),
            Protocol = Text(11) is { } protocol ? (protocol == "udp" ? Protocol.Udp : Protocol.Tcp) : null,
            Port = reader.IsDBNull(12) ? null : reader.GetInt32(12),
            OldState = Text(13),
            NewState = Text(14),
            Service = Text(15),
            OldService = Text(16),
            Detail = DetailFromJson(Text(17)),
            OldDetail = DetailFromJson(Text(18)),
            Process = ProcessFromJson(Text(19)),
            OldProcess = ProcessFromJson(Text(20)),
            BindAddress = Text(21) is { } bind ? IPAddress.Parse(bind) : null,
            Classification = ClassificationNames.Parse(Text(22)),
            WindowId = reader.IsDBNull(23) ? null : reader.GetInt64(23),
            Reference = Text(24),
            Payload = Text(25),
        };
    }
}
