using System.Text.Json;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;

namespace PortWarden.Cli.Output;

/// <summary>The JSON shape of hosts and ports, shared by the json and jsonl formats.</summary>
internal static class ScanJson
{
    public static void WritePortFields(Utf8JsonWriter json, Observation observation)
    {
        json.WriteString("protocol", observation.Protocol.ToWireName());
        json.WriteNumber("port", observation.Port);
        json.WriteString("state", observation.State.ToWireName());
        json.WriteString("service", observation.Service);
        json.WriteString("reason", observation.Reason);
        if (observation.BindAddress is { } bind)
        {
            json.WriteString("bindAddress", bind.ToString());
        }

        if (observation.Process is { } process)
        {
            json.WriteStartObject("process");
            json.WriteNumber("pid", process.Pid);
            json.WriteString("name", process.Name);
            json.WriteString("path", process.ExecutablePath);
            json.WriteString("user", process.User);
            json.WriteEndObject();
        }
    }

    public static void WriteHostFields(Utf8JsonWriter json, HostReport report)
    {
        json.WriteString("address", report.Target.Address.ToString());
        json.WriteString("hostname", report.Target.HostName);
        json.WriteString("state", report.State.ToWireName());
        json.WriteString("reason", report.Reason);
    }

    public static void WriteCounts(Utf8JsonWriter json, PortCounts counts)
    {
        json.WriteNumber("open", counts.Open);
        json.WriteNumber("closed", counts.Closed);
        json.WriteNumber("filtered", counts.Filtered);
    }

    public static void WriteSummary(Utf8JsonWriter json, ScanSummary summary)
    {
        json.WriteString("finishedAt", summary.FinishedAt);
        json.WriteNumber("durationMs", (long)summary.Duration.TotalMilliseconds);
        json.WriteStartObject("summary");
        json.WriteNumber("hostsUp", summary.HostsUp);
        json.WriteNumber("hostsDown", summary.HostsDown);
        WriteCounts(json, summary.Ports);
        json.WriteEndObject();
    }

    /// <summary>Serialises one JSON value written by <paramref name="write"/> to a compact string.</summary>
    public static string Serialize(Action<Utf8JsonWriter> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            write(json);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
