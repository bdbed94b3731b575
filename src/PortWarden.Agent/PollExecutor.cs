using PortWarden.Agent.Checkpoints;
using PortWarden.Agent.Wire;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;
using PortWarden.Core.Targets;
using PortWarden.Core.Tracking;
using PortWarden.Scanning;
using PortWarden.Scanning.Checkpoints;

namespace PortWarden.Agent;

/// <summary>
/// Runs one poll of a tracker (or one shard of it) with the engine it names and turns the scan into an
/// upload. A poll that cannot start or fails part way still produces an upload, carrying the error and the
/// hosts it finished, so the hub records what happened without concluding anything false. With an engine that
/// probes (connect, udp, both), the scan is checkpointed as it goes, so a stopped poll can be finished later.
/// </summary>
public sealed class PollExecutor(TimeProvider time, IHostResolver resolver, AgentMetrics metrics)
{
    public Task<PollUpload> RunAsync(TrackerAssignment tracker, ShardAssignment? shard, CancellationToken cancellationToken) =>
        RunAsync(tracker, shard, null, null, null, cancellationToken);

    /// <summary>Runs the poll, telling <paramref name="progress"/> when it starts, how far the engine has got, and when it ends.</summary>
    public Task<PollUpload> RunAsync(TrackerAssignment tracker, ShardAssignment? shard, PollProgressSender? progress, CancellationToken cancellationToken) =>
        RunAsync(tracker, shard, progress, null, null, cancellationToken);

    /// <summary>
    /// Runs the poll, checkpointing it in <paramref name="checkpoints"/> when its engine allows; given <paramref name="resume"/>,
    /// finishes that interrupted poll instead (same id and start, probing only what it had not decided). When cancelled,
    /// throws <see cref="PollInterruptedException"/> saying how far it got and where its checkpoint is.
    /// </summary>
    public async Task<PollUpload> RunAsync(
        TrackerAssignment tracker,
        ShardAssignment? shard,
        PollProgressSender? progress,
        PollCheckpoints? checkpoints,
        SavedPoll? resume,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tracker);
        var pollId = resume?.Info.PollId ?? shard?.PollId ?? Guid.CreateVersion7(time.GetUtcNow());
        var started = resume?.Info.StartedAt ?? time.GetUtcNow();
        progress?.Start(pollId, tracker.TrackerId, shard?.ShardId, started);
        var watched = new WatchedProgress(progress);
        var builder = new UploadBuilder();
        var tcp = PortSet.Empty;
        var udp = PortSet.Empty;
        string? error = null;
        long decided = 0;
        var finished = started;
        CheckpointWriter? writer = null;
        string? checkpointPath = null;
        var interrupted = false;
        try
        {
            // Stored specs are explicit: U: ports in them are scanned, as when the tracker was made.
            var plan = ScanPlan.Choose(tracker.Engine, PortSpec.Parse(tracker.Ports, tracker.ExcludePorts), explicitSpec: true, time);
            (tcp, udp) = (plan.Tcp, plan.Udp);
            var targets = tracker.Mode == TrackerModeNames.ToWireName(TrackerMode.Self)
                ? TargetSet.Create(TargetSpec.Empty)
                : await TargetSet.ParseAsync(shard?.Targets ?? tracker.Targets, null, allowLarge: true, resolver, cancellationToken).ConfigureAwait(false);
            var options = TrackerOptions.Parse(tracker.Options);
            var request = new ScanRequest(targets, tcp, udp, options.ToScanOptions());
            var engine = plan.Engine;
            if (checkpoints is not null && KeepsCheckpoints(plan.Engine))
            {
                var definition = new ScanDefinition(shard?.Targets ?? tracker.Targets, "", tracker.Ports, tracker.ExcludePorts, plan.Engine.Name) { Options = options };
                var info = new SavedPollInfo(pollId, tracker, shard?.ShardId, shard?.Targets, started, tcp.ToString(), udp.ToString())
                {
                    LeaseLength = resume?.Info.LeaseLength ?? (shard is null ? null : shard.LeaseUntil - time.GetUtcNow()),
                };
                writer = await checkpoints.StartAsync(info, definition, resume?.Checkpoint, cancellationToken).ConfigureAwait(false);
                checkpointPath = checkpoints.CheckpointPath(pollId);
                engine = new CheckpointedScanEngine(plan.Engine, resume?.Checkpoint ?? Checkpoint.Empty(definition), writer);
            }

            await foreach (var record in engine.ScanAsync(request, watched, cancellationToken).ConfigureAwait(false))
            {
                builder.Add(record);
                if (record is HostReport report)
                {
                    decided += report.Counts.Total;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            interrupted = true;
        }
        catch (Exception failure)
        {
            error = failure.Message;
        }
        finally
        {
            if (writer is not null)
            {
                // Flushes what the scan decided up to the stop.
                await writer.DisposeAsync().ConfigureAwait(false);
            }

            finished = time.GetUtcNow();
            if (progress is not null)
            {
                await progress.FinishAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }

        if (interrupted)
        {
            throw new PollInterruptedException(pollId, watched.Latest, checkpointPath, cancellationToken);
        }

        metrics.PollFinished(tracker.Engine, error is not null, decided, finished - started);
        return builder.Build(pollId, tracker.TrackerId, shard?.ShardId, started, finished, tracker.Engine, error, tcp, udp);
    }

    /// <summary>Engines that probe port by port, whose scans a checkpoint can resume; nmap and local keep none.</summary>
    public static bool KeepsCheckpoints(IScanEngine engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return engine.Name is "connect" or "udp" or ScanPlan.Combined;
    }

    /// <summary>Passes progress on and remembers the latest, for the log line of a stopped poll.</summary>
    private sealed class WatchedProgress(IProgress<ScanProgress>? inner) : IProgress<ScanProgress>
    {
        private ScanProgress? latest;

        public ScanProgress? Latest => Volatile.Read(ref latest);

        public void Report(ScanProgress value)
        {
            Volatile.Write(ref latest, value);
            inner?.Report(value);
        }
    }
}
