using System.Diagnostics.Metrics;

namespace PortWarden.Agent;

/// <summary>The agent's meters (.NET Meter "PortWarden.Agent"): polls run, ports scanned (for the scan rate), and the outbox queue depth.</summary>
public sealed class AgentMetrics : IDisposable
{
    public const string MeterName = "PortWarden.Agent";

    private readonly Meter meter;
    private readonly Counter<long> polls;
    private readonly Counter<long> ports;
    private readonly Histogram<double> duration;

    public AgentMetrics(Func<int> outboxDepth)
    {
        meter = new Meter(MeterName);
        polls = meter.CreateCounter<long>("polls", description: "Polls run, by result");
        ports = meter.CreateCounter<long>("ports_scanned", description: "Ports decided by polls (its rate is the scan rate)");
        duration = meter.CreateHistogram<double>("poll_duration", unit: "s", description: "Poll durations");
        meter.CreateObservableGauge("outbox_depth", outboxDepth, description: "Polls waiting for delivery to the hub");
    }

    public void PollFinished(string engine, bool failed, long portsDecided, TimeSpan elapsed)
    {
        var tags = new KeyValuePair<string, object?>[] { new("engine", engine), new("result", failed ? "failed" : "ok") };
        polls.Add(1, tags);
        ports.Add(portsDecided, new KeyValuePair<string, object?>("engine", engine));
        duration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("engine", engine));
    }

    public void Dispose() => meter.Dispose();
}
