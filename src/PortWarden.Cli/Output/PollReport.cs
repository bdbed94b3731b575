using System.Globalization;
using PortWarden.Core.Tracking;

namespace PortWarden.Cli.Output;

/// <summary>What `track` and `import` print about a recorded poll: its change lines and a summary, or one JSON document.</summary>
internal static class PollReport
{
    public static async Task WriteAsync(CliStreams streams, OutputFormat format, Device device, PollResult result, CancellationToken cancellationToken)
    {
        var changes = result.ChangeEvents.ToList();
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

        await streams.Out.WriteLineAsync(Summary(device, result, changes.Count).AsMemory(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One line that says what the poll decided: never a count of nothing as if it were the state.</summary>
    private static string Summary(Device device, PollResult result, int changes)
    {
        var poll = result.Poll;
        var counts = poll.Counts;
        var seconds = poll.Duration.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture);
        var state = $"{counts.HostsUp} host(s) up, {counts.Open} open port(s)";
        if (!poll.Applied)
        {
            return $"Poll of '{device.Name}' not applied: {poll.Note}.";
        }

        return poll.Outcome switch
        {
            PollOutcome.Failed when device.BaselineEstablished =>
                $"Poll of '{device.Name}' failed: nothing was scanned; the baseline is unchanged.",
            PollOutcome.Failed => $"Poll of '{device.Name}' failed: nothing was scanned; no baseline was recorded.",
            PollOutcome.Partial when result.EstablishesBaseline =>
                $"Partial baseline recorded for '{device.Name}': {state} in {seconds} s; hosts and ports it could not decide are not in it.",
            PollOutcome.Partial =>
                $"Partial poll of '{device.Name}': {state}; {changes} change(s) ({result.UnplannedChanges} unplanned) in {seconds} s; what it could not decide keeps its baseline state.",
            _ when result.EstablishesBaseline => $"Baseline recorded for '{device.Name}': {state} in {seconds} s.",
            _ => $"Poll of '{device.Name}': {state}; {changes} change(s) ({result.UnplannedChanges} unplanned) in {seconds} s.",
        };
    }
}
