using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PortWarden.Agent.Checkpoints;
using PortWarden.Agent.Delivery;
using PortWarden.Agent.Scheduling;
using PortWarden.Agent.Wire;

namespace PortWarden.Agent;

/// <summary>
/// The agent's main loop: keeps its tracker list fresh (and cached on disk, so it keeps polling while the hub
/// is away), starts each tracker when it is due, leases shards of sharded network polls, and puts every
/// finished poll in the outbox that a sender delivers in order. On stop, running polls get a grace period; those
/// still running then are stopped, and polls with a checkpoint (connect and udp engines) are finished as the same
/// poll when the agent starts again, before anything else is scheduled.
/// </summary>
public sealed partial class AgentRunner(
    IHubConnection hub,
    AgentState state,
    Outbox outbox,
    PollExecutor executor,
    TimeProvider time,
    AgentOptions options,
    ILoggerFactory loggers) : BackgroundService
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(500);
    private readonly ILogger logger = loggers.CreateLogger<AgentRunner>();
    private readonly PollCheckpoints checkpoints = new(state.CheckpointDirectory, time);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var senderStop = new CancellationTokenSource();
        using var hardStop = new CancellationTokenSource();
        Task? sender = null;
        var clock = new TrackerClock(state, time.GetUtcNow());
        var trackers = state.Trackers;
        var running = new Dictionary<long, Task>();
        Task? shard = null;
        var nextRefresh = DateTimeOffset.MinValue;
        var nextLease = DateTimeOffset.MinValue;
        var resumed = false;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var now = time.GetUtcNow();
                if (now >= nextRefresh)
                {
                    trackers = await RefreshAsync(trackers, stoppingToken).ConfigureAwait(false);
                    nextRefresh = now + options.RefreshInterval;
                }

                if (!resumed)
                {
                    // Before the sender starts: a poll both queued and checkpointed must be seen in the outbox, not resumed.
                    resumed = true;
                    shard = await ResumeAsync(trackers, clock, running, hardStop.Token, stoppingToken).ConfigureAwait(false);
                    sender = new OutboxSender(outbox, hub, time, loggers.CreateLogger<OutboxSender>()).RunAsync(senderStop.Token);
                }

                foreach (var done in running.Where(pair => pair.Value.IsCompleted).Select(pair => pair.Key).ToList())
                {
                    running.Remove(done);
                }

                foreach (var tracker in trackers.Where(t => t.ShardSize is null && !running.ContainsKey(t.TrackerId)))
                {
                    if (running.Count < options.MaxParallelPolls && IsDue(clock, tracker, now))
                    {
                        clock.Started(tracker, now);
                        running[tracker.TrackerId] = PollAsync(tracker, null, null, hardStop.Token, hardStop.Token);
                    }
                }

                if ((shard is null || shard.IsCompleted) && now >= nextLease && trackers.Any(t => t.ShardSize is not null))
                {
                    nextLease = now + options.ShardPollInterval;
                    shard = await LeaseAsync(hardStop.Token, stoppingToken).ConfigureAwait(false);
                }

                await Task.Delay(Tick, time, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        var inFlight = running.Values.Append(shard ?? Task.CompletedTask).ToArray();
        if (inFlight.Any(task => !task.IsCompleted))
        {
            LogFinishing(logger, options.ShutdownGrace.TotalSeconds);
            await Task.WhenAny(Task.WhenAll(inFlight), Task.Delay(options.ShutdownGrace, time, CancellationToken.None)).ConfigureAwait(false);
            await hardStop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(inFlight).ConfigureAwait(false);
        }

        await senderStop.CancelAsync().ConfigureAwait(false);
        await (sender ?? Task.CompletedTask).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<TrackerAssignment>> RefreshAsync(IReadOnlyList<TrackerAssignment> current, CancellationToken cancellationToken)
    {
        try
        {
            var fresh = await hub.GetTrackersAsync(cancellationToken).ConfigureAwait(false);
            state.SaveTrackers(fresh);
            return fresh;
        }
        catch (HubUnavailableException error)
        {
            LogHubAway(logger, current.Count, error.Message);
            return current;
        }
        catch (HubRejectedException error)
        {
            LogRefused(logger, error.Message);
            return current;
        }
    }

    private bool IsDue(TrackerClock clock, TrackerAssignment tracker, DateTimeOffset now)
    {
        try
        {
            return clock.IsDue(tracker, now);
        }
        catch (FormatException error)
        {
            LogBadSchedule(logger, tracker.Name, error.Message);
            return false;
        }
    }

    /// <summary>
    /// Finishes the interrupted polls found in the checkpoint directory (started on <paramref name="running"/>; shards as
    /// the returned task), and discards, saying why, those that cannot be finished as they were begun.
    /// </summary>
    private async Task<Task?> ResumeAsync(
        IReadOnlyList<TrackerAssignment> trackers, TrackerClock clock, Dictionary<long, Task> running, CancellationToken shutdown, CancellationToken stoppingToken)
    {
        IReadOnlyList<FoundPoll> found;
        try
        {
            found = checkpoints.Find();
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            LogCheckpointsUnreadable(logger, checkpoints.Directory, error.Message);
            return null;
        }

        var shards = new List<Task>();
        foreach (var (pollId, saved, problem) in found)
        {
            var (tracker, reason) = saved is null ? (null, problem) : ResumeCheck.Check(saved, trackers);
            if (tracker is not null && outbox.Contains(pollId))
            {
                (tracker, reason) = (null, "the finished poll is already waiting in the outbox");
            }

            if (tracker is not null && saved!.Info.ShardId is { } shardId && !await CanRenewAsync(shardId, stoppingToken).ConfigureAwait(false))
            {
                (tracker, reason) = (null, $"the lease of shard {shardId} is lost; the hub gives the shard to another agent");
            }

            if (tracker is null || saved is null || running.ContainsKey(tracker.TrackerId) && saved.Info.ShardId is null)
            {
                LogDiscarded(logger, pollId, reason ?? "the tracker already has a poll resuming");
                Discard(pollId);
                continue;
            }

            LogResuming(logger, pollId, tracker.Name, saved.Info.StartedAt, saved.DecidedPorts);
            if (saved.Info.Shard(time.GetUtcNow()) is { } lease)
            {
                shards.Add(ShardAsync(lease with { Tracker = tracker }, saved, shutdown));
            }
            else
            {
                clock.Resumed(tracker);
                running[tracker.TrackerId] = PollAsync(tracker, null, saved, shutdown, shutdown);
            }
        }

        return shards.Count == 0 ? null : Task.WhenAll(shards);
    }

    private async Task<bool> CanRenewAsync(long shardId, CancellationToken cancellationToken)
    {
        try
        {
            return await hub.RenewShardAsync(shardId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is HubUnavailableException or HubRejectedException)
        {
            return false;
        }
    }

    private void Discard(Guid pollId)
    {
        try
        {
            checkpoints.Delete(pollId);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            LogCheckpointsUnreadable(logger, checkpoints.Directory, error.Message);
        }
    }

    /// <summary>
    /// Runs a poll (or finishes the interrupted one in <paramref name="resume"/>) and queues it for the hub. Stopped by
    /// <paramref name="shutdown"/>, the poll keeps its checkpoint to be finished at the next start; stopped otherwise (its
    /// shard lease was lost), it is dropped.
    /// </summary>
    private async Task PollAsync(TrackerAssignment tracker, ShardAssignment? shard, SavedPoll? resume, CancellationToken shutdown, CancellationToken cancellationToken)
    {
        try
        {
            using var progress = new PollProgressSender(hub, time, options.ProgressInterval, loggers.CreateLogger<PollProgressSender>());
            var upload = await executor.RunAsync(tracker, shard, progress, checkpoints, resume, cancellationToken).ConfigureAwait(false);
            if (!cancellationToken.IsCancellationRequested)
            {
                // Queued first, then the checkpoint goes: after a crash in between, the outbox copy wins at the next start.
                outbox.Add(upload);
                Discard(upload.PollId);
                LogPolled(logger, tracker.Name, upload.Hosts.Count, upload.Error ?? "ok");
            }
        }
        catch (PollInterruptedException stopped) when (stopped.Checkpoint is not null && shutdown.IsCancellationRequested)
        {
            var (completed, total) = (stopped.Progress?.Completed ?? 0, stopped.Progress?.Total ?? 0);
            LogCheckpointed(logger, stopped.PollId, tracker.Name, completed, total, stopped.Checkpoint);
        }
        catch (PollInterruptedException stopped)
        {
            Discard(stopped.PollId);
            LogAbandoned(logger, stopped.PollId, tracker.Name);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            LogAbandoned(logger, Guid.Empty, tracker.Name);
        }
    }

    private async Task<Task?> LeaseAsync(CancellationToken pollToken, CancellationToken stoppingToken)
    {
        try
        {
            if (await hub.LeaseShardAsync(stoppingToken).ConfigureAwait(false) is not { } lease)
            {
                return null;
            }

            return ShardAsync(lease, null, pollToken);
        }
        catch (Exception error) when (error is HubUnavailableException or HubRejectedException)
        {
            LogNoLease(logger, error.Message);
            return null;
        }
    }

    /// <summary>Scans a leased shard while renewing its lease; losing the lease abandons the scan, as another agent now has it.</summary>
    private async Task ShardAsync(ShardAssignment lease, SavedPoll? resume, CancellationToken cancellationToken)
    {
        using var lost = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var every = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(1).Ticks, (lease.LeaseUntil - time.GetUtcNow()).Ticks / 3));
        var renewing = RenewAsync(lease.ShardId, every, lost);
        await PollAsync(lease.Tracker, lease, resume, cancellationToken, lost.Token).ConfigureAwait(false);
        await lost.CancelAsync().ConfigureAwait(false);
        await renewing.ConfigureAwait(false);
    }

    private async Task RenewAsync(long shardId, TimeSpan every, CancellationTokenSource lost)
    {
        try
        {
            while (true)
            {
                await Task.Delay(every, time, lost.Token).ConfigureAwait(false);
                if (!await hub.RenewShardAsync(shardId, lost.Token).ConfigureAwait(false))
                {
                    await lost.CancelAsync().ConfigureAwait(false);
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (HubUnavailableException)
        {
            // Keep scanning: the upload will tell whether the lease still held.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Polled '{Tracker}': {Hosts} host(s) finished ({Outcome})")]
    private static partial void LogPolled(ILogger logger, string tracker, int hosts, string outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Abandoned poll {PollId} of '{Tracker}' unfinished; nothing of it is recorded")]
    private static partial void LogAbandoned(ILogger logger, Guid pollId, string tracker);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopped poll {PollId} of '{Tracker}' unfinished at {Completed} of {Total} probes; kept its checkpoint {Path} to finish it when the agent starts again")]
    private static partial void LogCheckpointed(ILogger logger, Guid pollId, string tracker, long completed, long total, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Resuming poll {PollId} of '{Tracker}' (started {Started:O}) from its checkpoint: {Decided} port(s) already decided")]
    private static partial void LogResuming(ILogger logger, Guid pollId, string tracker, DateTimeOffset started, long decided);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Discarded the checkpoint of poll {PollId}: {Reason}")]
    private static partial void LogDiscarded(ILogger logger, Guid pollId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Cannot read or clean the poll checkpoints in {Directory}: {Reason}")]
    private static partial void LogCheckpointsUnreadable(ILogger logger, string directory, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping: giving running polls up to {Seconds} s to finish")]
    private static partial void LogFinishing(ILogger logger, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Hub unavailable, polling with the {Count} tracker(s) last received: {Reason}")]
    private static partial void LogHubAway(ILogger logger, int count, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "The hub refused this agent's request: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Tracker '{Tracker}' has a schedule that cannot run: {Reason}")]
    private static partial void LogBadSchedule(ILogger logger, string tracker, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "No shard leased: {Reason}")]
    private static partial void LogNoLease(ILogger logger, string reason);
}
