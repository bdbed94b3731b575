using System.Net;
using System.Text.Json;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;

namespace PortWarden.Core.Tracking;

/// <summary>Reads an event back from the JSON <see cref="EventJson"/> writes (stored alert messages carry their events so).</summary>
public static class EventJsonReader
{
    public static TrackEvent Read(JsonElement json, long deviceId)
    {
        string? Text(string name) => json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        long? Number(string name) => json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt64() : null;
        DateTimeOffset? Instant(string name) => json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetDateTimeOffset() : null;

        var typeName = Text("type");
        if (!EventTypeNames.TryParse(typeName, out var type))
        {
            throw new FormatException($"'{typeName}' is not an event type");
        }

        return new TrackEvent
        {
            Id = json.GetProperty("id").GetGuid(),
            Sequence = Number("seq") ?? 0,
            Type = type,
            DeviceId = deviceId,
            Device = Text("device") ?? "",
            PollId = json.GetProperty("pollId").GetGuid(),
            OccurredAt = json.GetProperty("occurredAt").GetDateTimeOffset(),
            ChangedAfter = Instant("changedAfter"),
            RecordedAt = Instant("recordedAt") ?? default,
            Host = Text("host"),
            HostName = Text("hostname"),
            Protocol = ProtocolNames.TryParse(Text("protocol"), out var protocol) ? protocol : null,
            Port = (int?)Number("port"),
            OldState = Text("oldState"),
            NewState = Text("newState"),
            Service = Text("service"),
            OldService = Text("oldService"),
            Detail = Detail(json, "detail"),
            OldDetail = Detail(json, "oldDetail"),
            Process = Process(json, "process"),
            OldProcess = Process(json, "oldProcess"),
            BindAddress = Text("bindAddress") is { } bind ? IPAddress.Parse(bind) : null,
            Classification = ClassificationNames.Parse(Text("classification")),
            WindowId = Number("windowId"),
            Reference = Text("reference"),
            Payload = json.TryGetProperty("payload", out var payload) && payload.ValueKind != JsonValueKind.Null ? payload.GetRawText() : null,
        };
    }

    private static ServiceDetail? Detail(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object
            ? new ServiceDetail(OptionalText(value, "product"), OptionalText(value, "version"), OptionalText(value, "extraInfo"))
            : null;

    private static OwningProcess? Process(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object
            ? new OwningProcess(value.GetProperty("pid").GetInt32(), OptionalText(value, "name"), OptionalText(value, "path"), OptionalText(value, "user"))
            : null;

    private static string? OptionalText(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
