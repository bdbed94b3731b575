using PortWarden.Core.Scanning;

namespace PortWarden.Cli.Output;

/// <summary>
/// One JSON document: {"engine","startedAt","ports","serviceDetection","hosts":[…],"finishedAt","durationMs","summary"}. Each host is
/// written on its own line as soon as it is finished, so the document streams.
/// </summary>
internal sealed class JsonScanOutput(TextWriter writer, bool showAll) : IScanOutput
{
    private readonly HostBuffer hosts = new(showAll);
    private bool firstHost = true;

    public async Task BeginAsync(ScanSummary summary, CancellationToken cancellationToken)
    {
        var head = ScanJson.Serialize(json =>
        {
            json.WriteStartObject();
            json.WriteString("engine", summary.Engine);
            json.WriteString("startedAt", summary.StartedAt);
            ScanJson.WriteCoverage(json, summary);
            json.WriteEndObject();
        });
        await writer.WriteAsync($"{head[..^1]},\"hosts\":[".AsMemory(), cancellationToken).ConfigureAwait(false);
    }

    public async Task WriteAsync(ScanRecord record, CancellationToken cancellationToken)
    {
        if (hosts.Add(record) is not { } ports || record is not HostReport report)
        {
            return;
        }

        var host = ScanJson.Serialize(json =>
        {
            json.WriteStartObject();
            ScanJson.WriteHostFields(json, report);
            json.WriteStartArray("ports");
            foreach (var port in ports)
            {
                json.WriteStartObject();
                ScanJson.WritePortFields(json, port);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartObject("counts");
            ScanJson.WriteCounts(json, report.Counts);
            json.WriteEndObject();
            json.WriteEndObject();
        });
        await writer.WriteAsync($"{(firstHost ? "" : ",")}\n{host}".AsMemory(), cancellationToken).ConfigureAwait(false);
        firstHost = false;
    }

    public async Task EndAsync(ScanSummary summary, CancellationToken cancellationToken)
    {
        var tail = ScanJson.Serialize(json =>
        {
            json.WriteStartObject();
            ScanJson.WriteSummary(json, summary);
            json.WriteEndObject();
        });
        await writer.WriteAsync($"\n],{tail[1..]}\n".AsMemory(), cancellationToken).ConfigureAwait(false);
    }
}
