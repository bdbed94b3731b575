using System.Text.Json;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;
using PortWarden.Core.Tracking;

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
        if (observation.Detail is { } detail)
        {
            json.WriteString("product", detail.Product);
            json.WriteString("version", detail.Version);
            json.WriteString("extrainfo", detail.ExtraInfo);
        }

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
        if (report.MacAddress is not null)
        {
            json.WriteString("mac", report.MacAddress);
        }
    }

    public static void WriteCounts(Utf8JsonWriter json, PortCounts counts)
    {
        json.WriteNumber("open", counts.Open);
        json.WriteNumber("closed", counts.Closed);
        json.WriteNumber("filtered", counts.Filtered);
        json.WriteNumber("other", counts.Other);
    }

    /// <summary>What the scan covered, so that a later comparison knows which unlisted ports were scanned and not open.</summary>
    public static void WriteCoverage(Utf8JsonWriter json, ScanSummary summary)
    {
        if (summary.TcpPorts is null && summary.UdpPorts is null)
        {
            return;
        }

        json.WriteStartObject("ports");
        json.WriteString("tcp", summary.TcpPorts?.ToString() ?? "");
        json.WriteString("udp", summary.UdpPorts?.ToString() ?? "");
        json.WriteEndObject();
        json.WriteBoolean("serviceDetection", summary.ServiceDetection);
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
    public static string Serialize(Action<Utf8JsonWriter> write) => PollPayloads.Write(write);
}
