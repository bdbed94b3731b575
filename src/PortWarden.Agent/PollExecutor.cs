using PortWarden.Agent.Wire;
using PortWarden.Core.Ports;
using PortWarden.Core.Targets;
using PortWarden.Core.Tracking;
using PortWarden.Scanning;

namespace PortWarden.Agent;

/// <summary>
/// Runs one poll of a tracker (or one shard of it) with the engine it names and turns the scan into an
/// upload. A poll that cannot start or fails part way still produces an upload, carrying the error and the
/// hosts it finished, so the hub records what happened without concluding anything false.
/// </summary>
public sealed class PollExecutor(TimeProvider time, IHostResolver resolver, AgentMetrics metrics)
{
    public Task<PollUpload> RunAsync(TrackerAssignment tracker, ShardAssignment? shard, CancellationToken cancellationToken) =>
        RunAsync(tracker, shard, null, cancellationToken);

    /// <summary>Runs the poll, telling <paramref name="progress"/> when it starts, how far the engine has got, and when it ends.</summary>
    public async Task<PollUpload> RunAsync(TrackerAssignment tracker, ShardAssignment? shard, PollProgressSender? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tracker);
        var pollId = shard?.PollId ?? Guid.CreateVersion7(time.GetUtcNow());
        var started = time.GetUtcNow();
        progress?.Start(pollId, tracker.TrackerId, shard?.ShardId, started);
        var builder = new UploadBuilder();
        var tcp = PortSet.Empty;
        var udp = PortSet.Empty;
        string? error = null;
        long decided = 0;
        var finished = started;
        try
        {
            // Stored specs are explicit: U: ports in them are scanned, as when the tracker was made.
            var plan = ScanPlan.Choose(tracker.Engine, PortSpec.Parse(tracker.Ports, tracker.ExcludePorts), explicitSpec: true, time);
            (tcp, udp) = (plan.Tcp, plan.Udp);
            var targets = tracker.Mode == TrackerModeNames.ToWireName(TrackerMode.Self)
                ? TargetSet.Create(TargetSpec.Empty)
                : await TargetSet.ParseAsync(shard?.Targets ?? tracker.Targets, null, allowLarge: true, resolver, cancellationToken).ConfigureAwait(false);
            var request = new Core.Scanning.ScanRequest(targets, tcp, udp, TrackerOptions.Parse(tracker.Options).ToScanOptions());
            await foreach (var record in plan.Engine.ScanAsync(request, progress, cancellationToken).ConfigureAwait(false))
            {
                builder.Add(record);
                if (record is Core.Scanning.HostReport report)
                {
                    decided += report.Counts.Total;
                }
            }
        }
        catch (Exception failure) when (failure is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            error = failure.Message;
        }
        finally
        {
            finished = time.GetUtcNow();
            if (progress is not null)
            {
                await progress.FinishAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }

        metrics.PollFinished(tracker.Engine, error is not null, decided, finished - started);
        return builder.Build(pollId, tracker.TrackerId, shard?.ShardId, started, finished, tracker.Engine, error, tcp, udp);
    }
}
