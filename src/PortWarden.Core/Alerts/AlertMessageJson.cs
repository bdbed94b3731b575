using System.Text.Json;
using PortWarden.Core.Tracking;

namespace PortWarden.Core.Alerts;

/// <summary>
/// The JSON of an alert message: what the outbox stores and what a webhook receives. Events have the one JSON shape
/// of events (<see cref="EventJson"/>).
/// </summary>
public static class AlertMessageJson
{
    public static void Write(Utf8JsonWriter json, AlertMessage message)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(message);
        json.WriteStartObject();
        json.WriteString("subject", message.Subject);
        json.WriteString("rule", message.Rule);
        json.WriteNumber("ruleId", message.RuleId);
        json.WriteString("device", message.Device);
        json.WriteNumber("deviceId", message.DeviceId);
        json.WriteString("pollId", message.PollId);
        json.WriteString("pollStartedAt", message.PollStartedAt);
        json.WriteString("pollFinishedAt", message.PollFinishedAt);
        json.WriteString("createdAt", message.CreatedAt);
        json.WriteBoolean("test", message.IsTest);
        json.WriteNumber("total", message.Total);
        json.WriteNumber("unplanned", message.Unplanned);
        json.WriteNumber("planned", message.Planned);
        json.WriteStartObject("byType");
        foreach (var (type, count) in message.ByType.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            json.WriteNumber(type, count);
        }

        json.WriteEndObject();
        json.WriteBoolean("truncated", message.Truncated);
        json.WriteStartArray("events");
        foreach (var e in message.Events)
        {
            EventJson.Write(json, e);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    public static string Serialize(AlertMessage message) => PollPayloads.Write(json => Write(json, message));

    public static AlertMessage Parse(string text)
    {
        using var document = JsonDocument.Parse(text);
        var root = document.RootElement;
        var deviceId = root.GetProperty("deviceId").GetInt64();
        return new AlertMessage
        {
            Rule = root.GetProperty("rule").GetString()!,
            RuleId = root.GetProperty("ruleId").GetInt64(),
            Device = root.GetProperty("device").GetString()!,
            DeviceId = deviceId,
            PollId = root.GetProperty("pollId").GetGuid(),
            PollStartedAt = root.GetProperty("pollStartedAt").GetDateTimeOffset(),
            PollFinishedAt = root.GetProperty("pollFinishedAt").GetDateTimeOffset(),
            CreatedAt = root.GetProperty("createdAt").GetDateTimeOffset(),
            IsTest = root.GetProperty("test").GetBoolean(),
            Total = root.GetProperty("total").GetInt32(),
            Unplanned = root.GetProperty("unplanned").GetInt32(),
            Planned = root.GetProperty("planned").GetInt32(),
            ByType = root.GetProperty("byType").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32(), StringComparer.Ordinal),
            Events = root.GetProperty("events").EnumerateArray().Select(e => EventJsonReader.Read(e, deviceId)).ToList(),
        };
    }
}
