using PortWarden.Core.Scanning;

namespace PortWarden.Cli.Output;

/// <summary>One JSON object per line, written the moment it is known: "port" lines, a "host" line per host, a final "summary" line.</summary>
internal sealed class JsonLinesScanOutput(TextWriter writer, bool showAll) : IScanOutput
{
    public Task BeginAsync(ScanSummary summary, CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task WriteAsync(ScanRecord record, CancellationToken cancellationToken)
    {
        string? line = record switch
        {
            Observation observation when observation.Shows(showAll) => ScanJson.Serialize(json =>
            {
                json.WriteStartObject();
                json.WriteString("type", "port");
                json.WriteString("address", observation.Target.Address.ToString());
                json.WriteString("hostname", observation.Target.HostName);
                ScanJson.WritePortFields(json, observation);
                json.WriteEndObject();
            }),
            HostReport report => ScanJson.Serialize(json =>
            {
                json.WriteStartObject();
                json.WriteString("type", "host");
                ScanJson.WriteHostFields(json, report);
                ScanJson.WriteCounts(json, report.Counts);
                json.WriteEndObject();
            }),
            _ => null,
        };

        if (line is not null)
        {
            await writer.WriteLineAsync(line.AsMemory(), cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task EndAsync(ScanSummary summary, CancellationToken cancellationToken)
    {
        var line = ScanJson.Serialize(json =>
        {
            json.WriteStartObject();
            json.WriteString("type", "summary");
            json.WriteString("engine", summary.Engine);
            json.WriteString("startedAt", summary.StartedAt);
            ScanJson.WriteCoverage(json, summary);
            ScanJson.WriteSummary(json, summary);
            json.WriteEndObject();
        });
        await writer.WriteLineAsync(line.AsMemory(), cancellationToken).ConfigureAwait(false);
    }
}
