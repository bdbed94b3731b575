using PortWarden.Core.Scanning;

namespace PortWarden.Cli.Output;

/// <summary>One JSON object per line, written the moment it is known: "port" lines, a "host" line per host, a final "summary" line.</summary>
internal sealed class JsonLinesScanOutput(TextWriter writer, bool showAll) : IScanOutput
{
    private readonly JsonLineWriter lines = new(writer);

    public Task BeginAsync(ScanSummary summary, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task WriteAsync(ScanRecord record, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        switch (record)
        {
            case Observation observation when observation.Shows(showAll):
                lines.WriteLine(observation, static (json, observation) =>
                {
                    json.WriteStartObject();
                    json.WriteString("type", "port");
                    json.WriteString("address", observation.Target.Address.ToString());
                    json.WriteString("hostname", observation.Target.HostName);
                    ScanJson.WritePortFields(json, observation);
                    json.WriteEndObject();
                });
                break;
            case HostReport report:
                lines.WriteLine(report, static (json, report) =>
                {
                    json.WriteStartObject();
                    json.WriteString("type", "host");
                    ScanJson.WriteHostFields(json, report);
                    ScanJson.WriteCounts(json, report.Counts);
                    json.WriteEndObject();
                });
                break;
        }

        return Task.CompletedTask;
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
