using System.Diagnostics.Metrics;
using PortWarden.Core.Tracking;

namespace PortWarden.Hub;

/// <summary>The hub's meters (.NET Meter "PortWarden.Hub"), exposed at /metrics for Prometheus as portwarden_hub_*.</summary>
public sealed class HubMetrics : IDisposable
{
    public const string MeterName = "PortWarden.Hub";

    private readonly Meter meter = new(MeterName);
    private readonly Counter<long> polls;
    private readonly Counter<long> events;
    private readonly Histogram<double> ingestion;

    public HubMetrics()
    {
        polls = meter.CreateCounter<long>("polls_ingested", description: "Poll and shard uploads ingested, by outcome");
        events = meter.CreateCounter<long>("events_recorded", description: "Events recorded, by type");
        ingestion = meter.CreateHistogram<double>("ingestion_duration", unit: "s", description: "Time to diff and record an upload");
    }

    public void Ingested(string outcome, IEnumerable<TrackEvent> recorded, TimeSpan elapsed)
    {
        polls.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        foreach (var group in recorded.GroupBy(e => e.Type))
        {
            events.Add(group.Count(), new KeyValuePair<string, object?>("type", group.Key.ToWireName()));
        }

        ingestion.Record(elapsed.TotalSeconds);
    }

    public void Dispose() => meter.Dispose();
}
