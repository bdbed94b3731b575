using System.Text.Json;
using PortWarden.Core.Ports;
using PortWarden.Core.Tracking;

namespace PortWarden.Alerts.Reports;

/// <summary>A report as one JSON document; changes have the one JSON shape of events.</summary>
public static class JsonReport
{
    public static string Render(Report report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("generatedAt", report.GeneratedAt);
            json.WriteString("from", report.From);
            json.WriteString("to", report.To);
            json.WriteStartArray("devices");
            foreach (var device in report.Devices)
            {
                Device(json, device);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void Device(Utf8JsonWriter json, DeviceReport report)
    {
        json.WriteStartObject();
        json.WriteString("name", report.Device.Name);
        json.WriteString("kind", report.Device.Kind.ToWireName());
        json.WriteString("targets", report.Device.Targets);
        json.WriteString("expectedPorts", report.Device.ExpectedPorts);
        json.WriteStartArray("baseline");
        foreach (var host in report.Hosts)
        {
            json.WriteStartObject();
            json.WriteString("address", host.Address);
            json.WriteString("hostname", host.HostName);
            json.WriteString("state", host.State == Core.Scanning.HostState.Up ? "up" : "down");
            json.WriteStartArray("ports");
            foreach (var port in host.OpenPorts.OrderBy(p => p.Key))
            {
                json.WriteStartObject();
                json.WriteString("protocol", port.Key.Protocol.ToWireName());
                json.WriteNumber("port", port.Key.Port);
                json.WriteString("service", port.Service);
                json.WriteString("openSince", port.LastChanged);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteNumber("unplanned", report.Unplanned);
        json.WriteNumber("planned", report.Planned);
        json.WriteStartArray("changes");
        foreach (var e in report.Changes)
        {
            EventJson.Write(json, e);
        }

        json.WriteEndArray();
        json.WriteStartArray("violations");
        foreach (var violation in report.Violations)
        {
            json.WriteStartObject();
            json.WriteString("host", violation.Host);
            json.WriteString("hostname", violation.HostName);
            json.WriteString("protocol", violation.Port.Protocol.ToWireName());
            json.WriteNumber("port", violation.Port.Port);
            json.WriteString("service", violation.Service);
            json.WriteString("openSince", violation.OpenSince);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        var coverage = report.Coverage;
        json.WriteStartObject("coverage");
        json.WriteNumber("polls", coverage.Polls);
        json.WriteNumber("failed", coverage.Failed);
        Milliseconds(json, "shortestMs", coverage.Shortest);
        Milliseconds(json, "averageMs", coverage.Average);
        Milliseconds(json, "longestMs", coverage.Longest);
        json.WriteStartArray("failures");
        foreach (var failure in coverage.Failures)
        {
            json.WriteStartObject();
            json.WriteString("pollId", failure.PollId);
            json.WriteString("at", failure.At);
            json.WriteString("error", failure.Error);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void Milliseconds(Utf8JsonWriter json, string name, TimeSpan? value)
    {
        if (value is { } span)
        {
            json.WriteNumber(name, (long)span.TotalMilliseconds);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
