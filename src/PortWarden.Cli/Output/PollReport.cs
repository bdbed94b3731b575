using System.Globalization;
using PortWarden.Core.Tracking;

namespace PortWarden.Cli.Output;

/// <summary>What `track` and `import` print about a recorded poll: its change lines and a summary, or one JSON document.</summary>
internal static class PollReport
{
    public static async Task WriteAsync(CliStreams streams, OutputFormat format, Device device, PollResult result, CancellationToken cancellationToken)
    {
        var changes = result.ChangeEvents.ToList();
        var counts = result.Poll.Counts;
        if (format == OutputFormat.Json)
        {
            var document = ScanJson.Serialize(json =>
            {
                json.WriteStartObject();
                json.WriteString("device", device.Name);
                json.WriteBoolean("baselineRecorded", result.EstablishesBaseline);
                json.WritePropertyName("poll");
                json.WriteRawValue(result.Events.Single(e => e.Type == EventType.PollCompleted).Payload!);
                json.WriteString("pollId", result.Poll.Id);
                json.WriteNumber("unplanned", result.UnplannedChanges);
                json.WriteStartArray("changes");
                foreach (var change in changes)
                {
                    EventJson.Write(json, change);
                }

                json.WriteEndArray();
                json.WriteEndObject();
            });
            await streams.Out.WriteLineAsync(document.AsMemory(), cancellationToken).ConfigureAwait(false);
            return;
        }

        foreach (var change in changes)
        {
            await streams.Out.WriteLineAsync(EventText.ChangeLine(change).AsMemory(), cancellationToken).ConfigureAwait(false);
        }

        var seconds = result.Poll.Duration.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture);
        var state = $"{counts.HostsUp} host(s) up, {counts.Open} open port(s)";
        var summary = result.EstablishesBaseline
            ? $"Baseline recorded for '{device.Name}': {state} in {seconds} s."
            : $"Poll of '{device.Name}': {state}; {changes.Count} change(s) ({result.UnplannedChanges} unplanned) in {seconds} s.";
        await streams.Out.WriteLineAsync(summary.AsMemory(), cancellationToken).ConfigureAwait(false);
    }
}
