using Microsoft.Extensions.Logging;
using PortWarden.Alerts.Dispatch;
using PortWarden.Core.Tracking;

namespace PortWarden.Hub.Alerts;

/// <summary>
/// Queues the alerts about each poll the hub records and wakes the dispatcher. Runs right after the poll's transaction:
/// a failure here is logged and never fails the upload (the poll is recorded already and its events stay queryable).
/// </summary>
public sealed partial class PollAlerts(IPortWardenStore store, TimeProvider time, AlertSignal signal, ILogger<PollAlerts> logger)
{
    private readonly AlertOutbox outbox = new(store, time);

    public async Task RaiseAsync(Device device, PollRecord poll, IReadOnlyList<TrackEvent> events, CancellationToken cancellationToken)
    {
        try
        {
            if (await outbox.EnqueueAsync(device, poll, events, cancellationToken).ConfigureAwait(false) > 0)
            {
                signal.Raise();
            }
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            LogQueueFailure(logger, error, poll.Id, device.Name);
        }
    }

    /// <summary>A sharded poll's shards recorded its changes one by one: its alerts (one message per rule) go out once it completes.</summary>
    public async Task RaiseCompletedShardedPollAsync(Device device, PollRecord poll, CancellationToken cancellationToken)
    {
        var events = await store.QueryEventsAsync(new EventQuery { DeviceId = device.Id, Since = poll.StartedAt }, cancellationToken)
            .Where(e => e.PollId == poll.Id)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        await RaiseAsync(device, poll, events, cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not queue the alerts of poll {Poll} of '{Device}'")]
    private static partial void LogQueueFailure(ILogger logger, Exception error, Guid poll, string device);
}
