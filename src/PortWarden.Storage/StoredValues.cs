using System.Text.Json;
using PortWarden.Core.Scanning;

namespace PortWarden.Storage;

/// <summary>How values that are not plain columns are stored: instants as Unix milliseconds, details as JSON.</summary>
internal static class StoredValues
{
    public static long ToUnixMs(DateTimeOffset instant) => instant.ToUnixTimeMilliseconds();

    public static DateTimeOffset FromUnixMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    public static object ToDb(DateTimeOffset? instant) => instant is { } value ? ToUnixMs(value) : DBNull.Value;

    public static object ToDb(string? text) => (object?)text ?? DBNull.Value;

    public static object ToDb(int? number) => number is { } value ? value : DBNull.Value;

    public static object ToDb(long? number) => number is { } value ? value : DBNull.Value;

    public static object ToJson(ServiceDetail? detail) => detail is null ? DBNull.Value : JsonSerializer.Serialize(detail);

    public static object ToJson(OwningProcess? process) => process is null ? DBNull.Value : JsonSerializer.Serialize(process);

    public static ServiceDetail? DetailFromJson(string? json) => json is null ? null : JsonSerializer.Deserialize<ServiceDetail>(json);

    public static OwningProcess? ProcessFromJson(string? json) => json is null ? null : JsonSerializer.Deserialize<OwningProcess>(json);
}
