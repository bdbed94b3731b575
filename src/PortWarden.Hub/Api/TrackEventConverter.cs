using System.Text.Json;
using System.Text.Json.Serialization;
using PortWarden.Core.Tracking;

namespace PortWarden.Hub.Api;

/// <summary>Writes events in the one JSON shape PortWarden uses everywhere (<see cref="EventJson"/>). Events are never read from clients.</summary>
public sealed class TrackEventConverter : JsonConverter<TrackEvent>
{
    public override TrackEvent Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("events are written by the hub, not read from clients");

    public override void Write(Utf8JsonWriter writer, TrackEvent value, JsonSerializerOptions options) => EventJson.Write(writer, value);
}
