using Npgsql;
using NpgsqlTypes;

namespace PortWarden.Storage.Postgres;

/// <summary>
/// How values go into PostgreSQL: instants as timestamptz cut to whole milliseconds (the precision the SQLite store
/// keeps, so both stores return the same instants), everything typed, nulls explicit.
/// </summary>
internal static class PostgresValues
{
    /// <summary>The instant in UTC, to the millisecond (Npgsql writes timestamptz only from UTC values).</summary>
    public static DateTimeOffset Instant(DateTimeOffset instant) => DateTimeOffset.FromUnixTimeMilliseconds(instant.ToUnixTimeMilliseconds());

    public static DateTimeOffset? Instant(DateTimeOffset? instant) => instant is { } value ? Instant(value) : null;

    public static void Add(this NpgsqlCommand command, string name, string? value) =>
        command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value });

    public static void Add(this NpgsqlCommand command, string name, long? value) =>
        command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Bigint) { Value = value is { } v ? v : DBNull.Value });

    public static void Add(this NpgsqlCommand command, string name, int? value) =>
        command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Integer) { Value = value is { } v ? v : DBNull.Value });

    public static void Add(this NpgsqlCommand command, string name, bool value) =>
        command.Parameters.Add(new NpgsqlParameter<bool>(name, NpgsqlDbType.Boolean) { TypedValue = value });

    public static void Add(this NpgsqlCommand command, string name, Guid value) =>
        command.Parameters.Add(new NpgsqlParameter<Guid>(name, NpgsqlDbType.Uuid) { TypedValue = value });

    public static void Add(this NpgsqlCommand command, string name, DateTimeOffset? value) =>
        command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.TimestampTz) { Value = value is { } v ? Instant(v) : DBNull.Value });

    /// <summary>A JSON text parameter (json keeps the text as given; jsonb stores it parsed).</summary>
    public static void AddJson(this NpgsqlCommand command, string name, string? json, bool binary = false) =>
        command.Parameters.Add(new NpgsqlParameter(name, binary ? NpgsqlDbType.Jsonb : NpgsqlDbType.Json) { Value = (object?)json ?? DBNull.Value });

    /// <summary>An array parameter for a batched statement (unnest): one element per row.</summary>
    public static void AddArray<T>(this NpgsqlCommand command, string name, NpgsqlDbType elementType, T[] values) =>
        command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | elementType) { Value = values });

    public static string? GetTextOrNull(this NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static long? GetInt64OrNull(this NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);

    public static int? GetInt32OrNull(this NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt32(ordinal);

    public static DateTimeOffset GetInstant(this NpgsqlDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    public static DateTimeOffset? GetInstantOrNull(this NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTimeOffset>(ordinal);
}
