using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PortWarden.Agent.Scheduling;
using PortWarden.Core.Targets;
using PortWarden.Core.Tracking;

namespace PortWarden.Hub.Sharding;

/// <summary>
/// Starts the polls of sharded network trackers when their schedule (or a "run now") says so: the device's
/// targets are split into blocks that the device's agents lease and scan in parallel. Several hubs may run
/// this at once; the store lets only one of them start a given tracker's poll.
/// </summary>
public sealed partial class ShardPlanner(IPortWardenStore store, IHostResolver resolver, TimeProvider time, ILogger<ShardPlanner> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = time.GetUtcNow();
        var startedOnce = new HashSet<long>();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PlanAsync(started, startedOnce, stoppingToken).ConfigureAwait(false);
                await Task.Delay(Interval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error) when (error is StoreException or IOException or InvalidOperationException)
            {
                LogFailed(logger, error.Message);
                await Task.Delay(Interval, time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private async Task PlanAsync(DateTimeOffset hubStarted, HashSet<long> startedOnce, CancellationToken cancellationToken)
    {
        var trackers = (await store.ListAllTrackersAsync(cancellationToken).ConfigureAwait(false))
            .Where(t => t.ShardSize is not null && t.Enabled && t.Mode == TrackerMode.Network)
            .ToList();
        if (trackers.Count == 0)
        {
            return;
        }

        var lastStarts = await store.LastPollStartsAsync(cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        foreach (var tracker in trackers)
        {
            var last = lastStarts.TryGetValue(tracker.Id, out var at) ? at : (DateTimeOffset?)null;
            if (!IsDue(tracker, last, hubStarted, startedOnce, now) || await store.HasRunningPollAsync(tracker.Id, cancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            var device = await store.GetDeviceAsync(tracker.DeviceId, cancellationToken).ConfigureAwait(false);
            if (device is null)
            {
                continue;
            }

            var targets = await TargetSet.ParseAsync(device.Targets, null, allowLarge: true, resolver, cancellationToken).ConfigureAwait(false);
            var blocks = TargetBlocks.Split(targets, tracker.ShardSize!.Value);
            var pollId = Guid.CreateVersion7(now);
            if (await store.StartShardedPollAsync(pollId, tracker, tracker.Engine, now, blocks, cancellationToken).ConfigureAwait(false))
            {
                startedOnce.Add(tracker.Id);
                LogStarted(logger, tracker.Name, device.Name, blocks.Count);
            }
        }
    }

    private bool IsDue(Tracker tracker, DateTimeOffset? last, DateTimeOffset hubStarted, HashSet<long> startedOnce, DateTimeOffset now)
    {
        TrackerSchedule schedule;
        try
        {
            schedule = ScheduleCalendar.Parse(tracker.Schedule);
        }
        catch (FormatException error)
        {
            LogBadSchedule(logger, tracker.Name, error.Message);
            return false;
        }

        // A request is served by the poll it started, so the last start doubles as the last request served.
        var due = new DueState(hubStarted, last, startedOnce.Contains(tracker.Id), tracker.RunRequestedAt, last);
        return ScheduleCalendar.IsDue(schedule, due, now);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Started a sharded poll of '{Tracker}' ({Device}): {Shards} shard(s)")]
    private static partial void LogStarted(ILogger logger, string tracker, string device, int shards);

    [LoggerMessage(Level = LogLevel.Error, Message = "Tracker '{Tracker}' has a schedule that cannot run: {Reason}")]
    private static partial void LogBadSchedule(ILogger logger, string tracker, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not plan sharded polls: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);
}
