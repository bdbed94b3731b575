using System.Text.Json;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;

namespace PortWarden.Core.Tracking;

/// <summary>The JSON shape of an event, shared by the command line, exports and the hub's API. Every key is always present.</summary>
public static class EventJson
{
    public static void Write(Utf8JsonWriter json, TrackEvent e)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(e);
        json.WriteStartObject();
        json.WriteNumber("seq", e.Sequence);
        json.WriteString("id", e.Id);
        json.WriteString("type", e.Type.ToWireName());
        json.WriteString("device", e.Device);
        json.WriteString("pollId", e.PollId);
        json.WriteString("occurredAt", e.OccurredAt);
        WriteInstant(json, "changedAfter", e.ChangedAfter);
        json.WriteString("recordedAt", e.RecordedAt);
        json.WriteString("host", e.Host);
        json.WriteString("hostname", e.HostName);
        json.WriteString("protocol", e.Protocol?.ToWireName());
        WriteNumber(json, "port", e.Port);
        json.WriteString("oldState", e.OldState);
        json.WriteString("newState", e.NewState);
        json.WriteString("service", e.Service);
        json.WriteString("oldService", e.OldService);
        WriteDetail(json, "detail", e.Detail);
        WriteDetail(json, "oldDetail", e.OldDetail);
        WriteProcess(json, "process", e.Process);
        WriteProcess(json, "oldProcess", e.OldProcess);
        json.WriteString("bindAddress", e.BindAddress?.ToString());
        json.WriteString("classification", e.Classification?.ToWireName());
        WriteNumber(json, "windowId", e.WindowId);
        json.WriteString("reference", e.Reference);
        json.WritePropertyName("payload");
        if (e.Payload is null)
        {
            json.WriteNullValue();
        }
        else
        {
            json.WriteRawValue(e.Payload, skipInputValidation: false);
        }

        json.WriteEndObject();
    }

    public static string Serialize(TrackEvent e) => PollPayloads.Write(json => Write(json, e));

    private static void WriteInstant(Utf8JsonWriter json, string name, DateTimeOffset? value)
    {
        if (value is { } instant)
        {
            json.WriteString(name, instant);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void WriteNumber(Utf8JsonWriter json, string name, long? value)
    {
        if (value is { } number)
        {
            json.WriteNumber(name, number);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void WriteDetail(Utf8JsonWriter json, string name, ServiceDetail? detail)
    {
        if (detail is null)
        {
            json.WriteNull(name);
            return;
        }

        json.WriteStartObject(name);
        json.WriteString("product", detail.Product);
        json.WriteString("version", detail.Version);
        json.WriteString("extraInfo", detail.ExtraInfo);
        json.WriteEndObject();
    }

    private static void WriteProcess(Utf8JsonWriter json, string name, OwningProcess? process)
    {
        if (process is null)
        {
            json.WriteNull(name);
            return;
        }

        json.WriteStartObject(name);
        json.WriteNumber("pid", process.Pid);
        json.WriteString("name", process.Name);
        json.WriteString("path", process.ExecutablePath);
        json.WriteString("user", process.User);
        json.WriteEndObject();
    }
}
