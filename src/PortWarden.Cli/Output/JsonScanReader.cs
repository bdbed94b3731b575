using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using PortWarden.Core;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;
using PortWarden.Core.Targets;

namespace PortWarden.Cli.Output;

/// <summary>
/// Reads PortWarden's own scan files back as records: the JSON document of <c>scan --format json</c> (one host
/// at a time, however large the file) or the JSON Lines of <c>--format jsonl</c>. A file that stops early keeps
/// its complete hosts and is marked <see cref="Truncated"/>; anything malformed is a
/// <see cref="ScanFileFormatException"/> naming the file, the line and what was wrong.
/// </summary>
internal sealed class JsonScanReader(Stream stream, string source, bool jsonLines)
{
    private readonly StringPool pool = new();
    private bool sawDetail;

    public string? Engine { get; private set; }

    public DateTimeOffset? StartedAt { get; private set; }

    /// <summary>The ports the scan covered (written by PortWarden 0.1.0 and later), or null when the file does not say.</summary>
    public PortSet? TcpPorts { get; private set; }

    public PortSet? UdpPorts { get; private set; }

    /// <summary>The scan identified services (its file says so, or it lists products or versions).</summary>
    public bool IdentifiedServices => ServiceDetection || sawDetail;

    /// <summary>The file stops before the scan's end: hosts after the last complete one were not decided.</summary>
    public bool Truncated { get; private set; }

    private bool ServiceDetection { get; set; }

    public IAsyncEnumerable<ScanRecord> ReadAsync(CancellationToken cancellationToken) =>
        jsonLines ? ReadLinesAsync(cancellationToken) : ReadDocumentAsync(cancellationToken);

    private async IAsyncEnumerable<ScanRecord> ReadDocumentAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var json = new JsonStreamReader(stream);
        if (!await Syntax(json, () => json.ReadAsync(cancellationToken)).ConfigureAwait(false) || json.TokenType != JsonTokenType.StartObject)
        {
            throw Error(json.Line, "not a PortWarden JSON scan: the file does not start with a JSON object");
        }

        var hostIndex = 0;
        var sawHosts = false;
        while (await Syntax(json, () => json.ReadAsync(cancellationToken)).ConfigureAwait(false))
        {
            if (json.TokenType == JsonTokenType.EndObject)
            {
                if (!await json.OnlyWhitespaceLeftAsync(cancellationToken).ConfigureAwait(false))
                {
                    throw Error(json.Line, "unexpected content after the end of the JSON document");
                }

                // Someone else's JSON (or "{}") is not an empty scan: a scan always says its engine and lists its hosts.
                if (Engine is null || !sawHosts)
                {
                    throw Error(0, $"not a PortWarden JSON scan (scan --format json): it has no {(Engine is null ? "\"engine\"" : "")}{(Engine is null && !sawHosts ? " and no " : "")}{(sawHosts ? "" : "\"hosts\" array")}");
                }

                yield break;
            }

            var property = json.Text;
            if (property != "hosts")
            {
                if (await Syntax(json, () => json.ReadValueAsync(cancellationToken)).ConfigureAwait(false) is not { } value)
                {
                    break;
                }

                ReadHeader(property, value, json.Line);
                continue;
            }

            if (!await Syntax(json, () => json.ReadAsync(cancellationToken)).ConfigureAwait(false))
            {
                break;
            }

            if (json.TokenType != JsonTokenType.StartArray)
            {
                throw Error(json.Line, "\"hosts\" is not an array");
            }

            sawHosts = true;
            while (await Syntax(json, () => json.ReadValueAsync(cancellationToken)).ConfigureAwait(false) is { } host)
            {
                foreach (var record in HostRecords(host, ++hostIndex, json.Line, flat: false))
                {
                    yield return record;
                }
            }

            if (json.EndOfInput)
            {
                break;
            }
        }

        Truncated = true;
    }

    private async IAsyncEnumerable<ScanRecord> ReadLinesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var json = new JsonStreamReader(stream, multipleValues: true);
        var hostIndex = 0;
        var sawSummary = false;
        while (await Syntax(json, () => json.ReadValueAsync(cancellationToken)).ConfigureAwait(false) is { } line)
        {
            if (line.ValueKind != JsonValueKind.Object)
            {
                throw Error(json.Line, "not a PortWarden JSON Lines scan: a line is not a JSON object");
            }

            switch (String(line, "type", json.Line, "line"))
            {
                case "port":
                    var target = Target(line, json.Line, "port line");
                    yield return Port(line, target, json.Line, $"port line of {target.Address}");
                    break;
                case "host":
                    foreach (var record in HostRecords(line, ++hostIndex, json.Line, flat: true))
                    {
                        yield return record;
                    }

                    break;
                case "summary":
                    foreach (var property in line.EnumerateObject())
                    {
                        ReadHeader(property.Name, property.Value, json.Line);
                    }

                    sawSummary = true;
                    break;
                case var other:
                    throw Error(json.Line, $"unknown line type '{other}' (expected port, host or summary)");
            }
        }

        // The summary line is written last: without it the scan was interrupted.
        Truncated = !sawSummary;
    }

    private void ReadHeader(string? property, JsonElement value, long line)
    {
        switch (property)
        {
            case "engine" when value.ValueKind == JsonValueKind.String:
                Engine = value.GetString();
                break;
            case "startedAt" when value.ValueKind == JsonValueKind.String:
                StartedAt = value.TryGetDateTimeOffset(out var started) ? started : throw Error(line, $"\"startedAt\" '{value.GetString()}' is not a date and time");
                break;
            case "ports" when value.ValueKind == JsonValueKind.Object:
                TcpPorts = Ports(value, "tcp", Protocol.Tcp, line);
                UdpPorts = Ports(value, "udp", Protocol.Udp, line);
                break;
            case "serviceDetection":
                ServiceDetection = value.ValueKind == JsonValueKind.True;
                break;
        }
    }

    private PortSet? Ports(JsonElement ports, string name, Protocol protocol, long line)
    {
        if (!ports.TryGetProperty(name, out var text) || text.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        try
        {
            return text.GetString() is { Length: > 0 } spec ? PortSpec.Parse(spec).For(protocol) : PortSet.Empty;
        }
        catch (SpecFormatException error)
        {
            throw Error(line, $"\"ports\".\"{name}\": {error.Message}");
        }
    }

    private List<ScanRecord> HostRecords(JsonElement host, int index, long line, bool flat)
    {
        var where = $"host {index.ToString(CultureInfo.InvariantCulture)}";
        if (host.ValueKind != JsonValueKind.Object)
        {
            throw Error(line, $"{where} is not a JSON object");
        }

        var target = Target(host, line, where);
        where = $"{where} ({target.Address})";
        var state = String(host, "state", line, where) switch
        {
            "up" => HostState.Up,
            "down" => HostState.Down,
            var other => throw Error(line, $"{where}: unknown host state '{other}' (expected up or down)"),
        };
        var records = new List<ScanRecord>();
        if (!flat && host.TryGetProperty("ports", out var ports) && state == HostState.Up)
        {
            if (ports.ValueKind != JsonValueKind.Array)
            {
                throw Error(line, $"{where}: \"ports\" is not an array");
            }

            records.AddRange(ports.EnumerateArray().Select(port => Port(port, target, line, where)));
        }

        var counts = flat ? host : host.TryGetProperty("counts", out var nested) ? nested : default;
        records.Add(new HostReport(target, state, OptionalString(host, "reason") ?? "", Counts(counts, line, where))
        {
            MacAddress = OptionalString(host, "mac"),
        });
        return records;
    }

    private Observation Port(JsonElement port, ScanTarget target, long line, string where)
    {
        if (port.ValueKind != JsonValueKind.Object)
        {
            throw Error(line, $"{where}: a port is not a JSON object");
        }

        if (!port.TryGetProperty("port", out var numberElement) || !numberElement.TryGetInt32(out var number) || number is < 0 or > PortRange.MaxPort)
        {
            throw Error(line, $"{where}: a port has no \"port\" number 0-65535");
        }

        where = $"{where} port {number.ToString(CultureInfo.InvariantCulture)}";
        var protocolText = String(port, "protocol", line, where);
        if (!ProtocolNames.TryParse(protocolText, out var protocol))
        {
            throw Error(line, $"{where}: unknown protocol '{protocolText}' (expected tcp or udp)");
        }

        var stateText = String(port, "state", line, where);
        if (!PortStateNames.TryParse(stateText, out var state))
        {
            throw Error(line, $"{where}: unknown port state '{stateText}' (expected open, closed, filtered, unfiltered, open|filtered or closed|filtered)");
        }

        var product = pool.Share(OptionalString(port, "product"));
        var version = pool.Share(OptionalString(port, "version"));
        var extra = pool.Share(OptionalString(port, "extrainfo"));
        var detail = product is null && version is null && extra is null ? null : new ServiceDetail(product, version, extra);
        sawDetail |= detail is not null;
        return new Observation(target, protocol, number, state, pool.Share(OptionalString(port, "reason")) ?? "")
        {
            Service = pool.Share(OptionalString(port, "service")),
            Detail = detail,
        };
    }

    private ScanTarget Target(JsonElement element, long line, string where)
    {
        var text = String(element, "address", line, where);
        return IPAddress.TryParse(text, out var address)
            ? new ScanTarget(address, OptionalString(element, "hostname"))
            : throw Error(line, $"{where}: \"address\" '{text}' is not an IP address");
    }

    private PortCounts Counts(JsonElement counts, long line, string where)
    {
        if (counts.ValueKind != JsonValueKind.Object)
        {
            return PortCounts.None;
        }

        return new PortCounts(Count("open"), Count("closed"), Count("filtered"), Count("other"));

        int Count(string name) => !counts.TryGetProperty(name, out var value)
            ? 0
            : value.TryGetInt32(out var count) && count >= 0 ? count : throw Error(line, $"{where}: count \"{name}\" is not a whole number");
    }

    private string String(JsonElement element, string name, long line, string where) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw Error(line, $"{where}: \"{name}\" is missing or not a string");

    private static string? OptionalString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>Runs a read; malformed JSON becomes a <see cref="ScanFileFormatException"/> with line and byte position.</summary>
    private async Task<T> Syntax<T>(JsonStreamReader json, Func<ValueTask<T>> read)
    {
        try
        {
            return await read().ConfigureAwait(false);
        }
        catch (JsonException error)
        {
            var message = error.Message;
            var cut = message.IndexOf(" Path:", StringComparison.Ordinal) is >= 0 and var path ? path : message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            throw new ScanFileFormatException(
                source, (error.LineNumber ?? json.Line - 1) + 1, (error.BytePositionInLine ?? 0) + 1,
                $"not valid JSON: {(cut >= 0 ? message[..cut] : message)}", error);
        }
    }

    private ScanFileFormatException Error(long line, string reason) => new(source, line, 0, reason);
}
