using System.Text.Json;
using PortWarden.Core.Ports;

namespace PortWarden.Core.Tracking;

/// <summary>The JSON carried by baseline and poll-completed events.</summary>
public static class PollPayloads
{
    public static string PollCompleted(PollRecord poll) => Write(json =>
    {
        json.WriteStartObject();
        json.WriteString("engine", poll.Engine);
        json.WriteString("startedAt", poll.StartedAt);
        json.WriteString("finishedAt", poll.FinishedAt);
        json.WriteNumber("durationMs", (long)poll.Duration.TotalMilliseconds);
        json.WriteNumber("hostsScanned", poll.Counts.HostsScanned);
        json.WriteNumber("hostsUp", poll.Counts.HostsUp);
        json.WriteNumber("hostsDown", poll.Counts.HostsDown);
        json.WriteNumber("portsScanned", poll.Counts.PortsScanned);
        json.WriteNumber("open", poll.Counts.Open);
        json.WriteNumber("closed", poll.Counts.Closed);
        json.WriteNumber("filtered", poll.Counts.Filtered);
        json.WriteNumber("changes", poll.Counts.Changes);
        json.WriteString("error", poll.Error);
        json.WriteString("outcome", poll.Outcome.ToWireName());
        json.WriteBoolean("applied", poll.Applied);
        json.WriteString("note", poll.Note);
        json.WriteEndObject();
    });

    /// <summary>The full confirmed state: every host and its open ports.</summary>
    public static string Baseline(DeviceBaseline baseline) => Write(json =>
    {
        json.WriteStartObject();
        json.WriteStartArray("hosts");
        foreach (var host in baseline.Hosts.Values.OrderBy(h => System.Net.IPAddress.Parse(h.Address), Targets.AddressComparer.Instance))
        {
            json.WriteStartObject();
            json.WriteString("address", host.Address);
            json.WriteString("hostname", host.HostName);
            json.WriteString("state", host.State == Scanning.HostState.Up ? "up" : "down");
            json.WriteStartArray("ports");
            foreach (var port in host.OpenPorts.OrderBy(p => p.Key))
            {
                json.WriteStartObject();
                json.WriteString("protocol", port.Key.Protocol.ToWireName());
                json.WriteNumber("port", port.Key.Port);
                json.WriteString("service", port.Service);
                json.WriteString("since", port.LastChanged);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    });

    /// <summary>Why a port was found not open, e.g. {"reason":"conn-refused"}; null when no reason is known.</summary>
    public static string? Reason(string? reason) => reason is null ? null : Write(json =>
    {
        json.WriteStartObject();
        json.WriteString("reason", reason);
        json.WriteEndObject();
    });

    /// <summary>Serialises one JSON value written by <paramref name="write"/> to a compact string.</summary>
    public static string Write(Action<Utf8JsonWriter> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            write(json);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
