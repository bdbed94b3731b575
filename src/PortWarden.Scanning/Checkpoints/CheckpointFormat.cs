using System.Globalization;
using System.Net;
using System.Text.Json;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;
using PortWarden.Core.Targets;
using PortWarden.Core.Tracking;

namespace PortWarden.Scanning.Checkpoints;

/// <summary>
/// The checkpoint file format, version 1: JSON Lines. The first line is the header,
/// {"format":"portwarden-checkpoint","version":1,"created":…,"scan":{"targets","exclude","ports","excludePorts","engine"},
/// "options":{"sourceAddresses","rate","retries","timeoutMs","concurrency","noDiscovery"}} (options left out when not given);
/// each further line is one record of the scan in the order it was decided: {"type":"port","address","hostname",
/// "protocol","port","state","reason","service","product","version","extra","banner","rttMs"} or {"type":"host",
/// "address","hostname","state","reason","open","closed","filtered","other","undecided":["udp/5",…]}. Every line
/// ends with a newline; a last line without one was cut off by an interruption and is ignored.
/// </summary>
internal static class CheckpointFormat
{
    public const string FormatName = "portwarden-checkpoint";
    public const int Version = 1;

    public static string Header(ScanDefinition definition, DateTimeOffset created) => Line(json =>
    {
        json.WriteStartObject();
        json.WriteString("format", FormatName);
        json.WriteNumber("version", Version);
        json.WriteString("created", created);
        json.WriteStartObject("scan");
        json.WriteString("targets", definition.Targets);
        json.WriteString("exclude", definition.Exclude);
        json.WriteString("ports", definition.Ports);
        json.WriteString("excludePorts", definition.ExcludePorts);
        json.WriteString("engine", definition.Engine);
        json.WriteEndObject();
        json.WritePropertyName("options");
        json.WriteRawValue(definition.Options.ToJson());
        json.WriteEndObject();
    });

    private static TrackerOptions ReadOptions(JsonElement root) =>
        root.TryGetProperty("options", out var options) && options.ValueKind == JsonValueKind.Object
            ? TrackerOptions.Parse(options.GetRawText())
            : new TrackerOptions();

    public static string Record(ScanRecord record) => Line(json =>
    {
        json.WriteStartObject();
        switch (record)
        {
            case Observation observation:
                json.WriteString("type", "port");
                WriteTarget(json, observation.Target);
                json.WriteString("protocol", observation.Protocol.ToWireName());
                json.WriteNumber("port", observation.Port);
                json.WriteString("state", observation.State.ToWireName());
                json.WriteString("reason", observation.Reason);
                json.WriteString("service", observation.Service);
                json.WriteString("product", observation.Detail?.Product);
                json.WriteString("version", observation.Detail?.Version);
                json.WriteString("extra", observation.Detail?.ExtraInfo);
                json.WriteString("banner", observation.Detail?.Banner);
                if (observation.RoundTrip is { } rtt)
                {
                    json.WriteNumber("rttMs", Math.Round(rtt.TotalMilliseconds, 3));
                }

                break;
            case HostReport report:
                json.WriteString("type", "host");
                WriteTarget(json, report.Target);
                json.WriteString("state", report.State.ToWireName());
                json.WriteString("reason", report.Reason);
                json.WriteNumber("open", report.Counts.Open);
                json.WriteNumber("closed", report.Counts.Closed);
                json.WriteNumber("filtered", report.Counts.Filtered);
                json.WriteNumber("other", report.Counts.Other);
                json.WriteStartArray("undecided");
                foreach (var key in report.Undecided)
                {
                    json.WriteStringValue(key.ToString());
                }

                json.WriteEndArray();
                break;
            default:
                throw new ArgumentException($"unknown record type {record.GetType().Name}", nameof(record));
        }

        json.WriteEndObject();
    });

    /// <summary>Reads the header line; throws <see cref="FormatException"/> or <see cref="JsonException"/> naming what is wrong.</summary>
    public static (int Version, ScanDefinition? Definition) ReadHeader(string line)
    {
        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || Text(root, "format") != FormatName)
        {
            throw new FormatException("it is not a PortWarden checkpoint");
        }

        var version = root.TryGetProperty("version", out var number) && number.TryGetInt32(out var value) ? value : -1;
        if (version != Version)
        {
            return (version, null);
        }

        var scan = root.GetProperty("scan");
        return (version, new ScanDefinition(
            Required(scan, "targets"), Required(scan, "exclude"), Required(scan, "ports"), Required(scan, "excludePorts"), Required(scan, "engine"))
        {
            Options = ReadOptions(root),
        });
    }

    /// <summary>Reads one record line; throws <see cref="FormatException"/> or <see cref="JsonException"/> naming what is wrong.</summary>
    public static ScanRecord ReadRecord(string line)
    {
        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        var target = new ScanTarget(
            IPAddress.TryParse(Required(root, "address"), out var address) ? address : throw new FormatException("'address' is not an IP address"),
            Text(root, "hostname"));
        var reason = Required(root, "reason");
        switch (Required(root, "type"))
        {
            case "port":
                if (!ProtocolNames.TryParse(Required(root, "protocol"), out var protocol))
                {
                    throw new FormatException("'protocol' must be tcp or udp");
                }

                var port = root.GetProperty("port").GetInt32();
                if (port is < PortRange.MinPort or > PortRange.MaxPort)
                {
                    throw new FormatException($"port {port} is out of range");
                }

                if (!PortStateNames.TryParse(Required(root, "state"), out var state))
                {
                    throw new FormatException($"unknown port state '{Text(root, "state")}'");
                }

                var (product, version, extra, banner) = (Text(root, "product"), Text(root, "version"), Text(root, "extra"), Text(root, "banner"));
                return new Observation(target, protocol, port, state, reason)
                {
                    Service = Text(root, "service"),
                    Detail = product is null && version is null && extra is null && banner is null ? null : new ServiceDetail(product, version, extra) { Banner = banner },
                    RoundTrip = root.TryGetProperty("rttMs", out var rtt) ? TimeSpan.FromMilliseconds(rtt.GetDouble()) : null,
                };
            case "host":
                var hostState = Required(root, "state") switch
                {
                    "up" => HostState.Up,
                    "down" => HostState.Down,
                    var other => throw new FormatException($"unknown host state '{other}'"),
                };
                var counts = new PortCounts(Count(root, "open"), Count(root, "closed"), Count(root, "filtered"), Count(root, "other"));
                var undecided = root.GetProperty("undecided").EnumerateArray().Select(item => ParseKey(item.GetString())).ToList();
                return new HostReport(target, hostState, reason, counts) { Undecided = undecided };
            case var type:
                throw new FormatException($"unknown record type '{type}'");
        }
    }

    private static PortKey ParseKey(string? text)
    {
        var parts = text?.Split('/') ?? [];
        return parts.Length == 2 && ProtocolNames.TryParse(parts[0], out var protocol)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= PortRange.MinPort and <= PortRange.MaxPort
            ? new PortKey(protocol, port)
            : throw new FormatException($"'{text}' is not a port such as udp/53");
    }

    private static int Count(JsonElement root, string name) =>
        root.GetProperty(name).GetInt32() is var value and >= 0 ? value : throw new FormatException($"'{name}' is negative");

    private static string Required(JsonElement element, string name) =>
        Text(element, name) ?? throw new FormatException($"'{name}' is missing");

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static void WriteTarget(Utf8JsonWriter json, ScanTarget target)
    {
        json.WriteString("address", target.Address.ToString());
        json.WriteString("hostname", target.HostName);
    }

    private static string Line(Action<Utf8JsonWriter> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            write(json);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
