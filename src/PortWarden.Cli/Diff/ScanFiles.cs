using System.Text.Json;
using PortWarden.Cli.Output;
using PortWarden.Core;
using PortWarden.Core.Comparison;
using PortWarden.Core.Ports;
using PortWarden.Scanning.Nmap;

namespace PortWarden.Cli.Diff;

/// <summary>Opens a scan file, whichever format it is (nmap XML, PortWarden JSON or JSON Lines), and collects it for comparison.</summary>
internal static class ScanFiles
{
    private enum Kind
    {
        NmapXml,
        PortWardenJson,
        PortWardenJsonLines,
    }

    public static async Task<(ScanSnapshot Snapshot, IReadOnlyList<string> Warnings)> LoadAsync(string path, CancellationToken cancellationToken)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, useAsync: true);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"cannot read '{path}': {error.Message}", error);
        }

        await using (stream.ConfigureAwait(false))
        {
            var kind = await DetectAsync(stream, path, cancellationToken).ConfigureAwait(false);
            stream.Position = 0;
            if (kind == Kind.NmapXml)
            {
                var nmap = new NmapXmlReader(stream, path);
                var snapshot = await ScanSnapshot.CollectAsync(nmap.ReadAsync(cancellationToken), () => new ScanSource(path, "nmap-xml")
                {
                    Scanner = nmap.Run is { } run ? $"{run.Scanner} {run.Version}".Trim() : "nmap",
                    StartedAt = nmap.Run?.StartedAt,
                    Arguments = nmap.Run?.Arguments,
                    Truncated = nmap.Truncated,
                    IdentifiedServices = nmap.IdentifiedServices,
                    TcpPorts = nmap.Run?.RequestedPorts(Protocol.Tcp),
                    UdpPorts = nmap.Run?.RequestedPorts(Protocol.Udp),
                }, cancellationToken).ConfigureAwait(false);
                return (snapshot, nmap.Warnings);
            }

            var json = new JsonScanReader(stream, path, jsonLines: kind == Kind.PortWardenJsonLines);
            var scan = await ScanSnapshot.CollectAsync(json.ReadAsync(cancellationToken), () => new ScanSource(path, "portwarden-json")
            {
                Scanner = json.Engine is null ? "portwarden" : $"portwarden {json.Engine}",
                StartedAt = json.StartedAt,
                Truncated = json.Truncated,
                IdentifiedServices = json.IdentifiedServices,
                TcpPorts = json.TcpPorts,
                UdpPorts = json.UdpPorts,
            }, cancellationToken).ConfigureAwait(false);
            return (scan, json.Truncated ? [$"the file stops before the scan's end (interrupted scan?): only its complete hosts are compared"] : []);
        }
    }

    /// <summary>Tells the formats apart by their first bytes: '&lt;' is nmap XML, '{' PortWarden JSON (Lines when the first key is "type").</summary>
    private static async Task<Kind> DetectAsync(FileStream stream, string path, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false)) > 0)
        {
            length += read;
        }

        var head = buffer.AsSpan(0, length);
        if (head.StartsWith("\xEF\xBB\xBF"u8))
        {
            head = head[3..];
        }

        var first = head.IndexOfAnyExcept(" \t\r\n"u8);
        if (length == 0 || first < 0)
        {
            throw new ScanFileFormatException(path, 0, 0, "the file is empty");
        }

        switch (head[first])
        {
            case (byte)'<':
                return Kind.NmapXml;
            case (byte)'{':
                return FirstKeyIsType(head[first..]) ? Kind.PortWardenJsonLines : Kind.PortWardenJson;
            default:
                var start = System.Text.Encoding.UTF8.GetString(head[first..Math.Min(head.Length, first + 20)]).ReplaceLineEndings(" ");
                throw new ScanFileFormatException(path, 0, 0,
                    $"neither nmap XML (-oX) nor a PortWarden JSON scan (scan --format json): it starts with '{start}'");
        }
    }

    private static bool FirstKeyIsType(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, isFinalBlock: false, default);
        try
        {
            return reader.Read() && reader.Read() && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("type"u8);
        }
        catch (JsonException)
        {
            // Malformed: the document reader reports it with its position.
            return false;
        }
    }
}
