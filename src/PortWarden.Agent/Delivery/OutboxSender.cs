using Microsoft.Extensions.Logging;

namespace PortWarden.Agent.Delivery;

/// <summary>
/// Delivers the outbox to the hub oldest first, one poll at a time, so polls arrive in order. While the hub
/// is away it backs off (up to half a minute) and tries again; the hub ignores a poll it already has, so
/// a delivery interrupted after the hub stored it but before it answered is not recorded twice.
/// </summary>
public sealed partial class OutboxSender(Outbox outbox, IHubConnection hub, TimeProvider time, ILogger<OutboxSender> logger)
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestBackoff = TimeSpan.FromSeconds(30);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var added = new SemaphoreSlim(0);
        void Wake(object? sender, EventArgs e) => added.Release();
        outbox.Added += Wake;
        try
        {
            var backoff = FirstBackoff;
            while (!cancellationToken.IsCancellationRequested)
            {
                if (outbox.Oldest() is not { } next)
                {
                    await WaitAsync(added, TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
                    continue;
                }

                try
                {
                    var receipt = await hub.SubmitPollAsync(next.Upload, cancellationToken).ConfigureAwait(false);
                    outbox.Delivered(next.Path);
                    LogDelivered(logger, next.Upload.PollId, receipt.Status);
                    backoff = FirstBackoff;
                }
                catch (HubRejectedException error)
                {
                    outbox.Reject(next.Path, error.Message);
                    LogRejected(logger, next.Upload.PollId, error.Message);
                }
                catch (HubUnavailableException error)
                {
                    LogWaiting(logger, outbox.Count, backoff.TotalSeconds, error.Message);
                    await WaitAsync(added, backoff, cancellationToken).ConfigureAwait(false);
                    backoff = TimeSpan.FromTicks(Math.Min(LongestBackoff.Ticks, backoff.Ticks * 2));
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            outbox.Added -= Wake;
        }
    }

    /// <summary>Waits for a new poll in the outbox, at most <paramref name="limit"/>.</summary>
    private async Task WaitAsync(SemaphoreSlim added, TimeSpan limit, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(limit, time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            await added.WaitAsync(either.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivered poll {PollId} ({Status})")]
    private static partial void LogDelivered(ILogger logger, Guid pollId, string status);

    [LoggerMessage(Level = LogLevel.Error, Message = "The hub refused poll {PollId}; it was set aside in outbox/rejected: {Reason}")]
    private static partial void LogRejected(ILogger logger, Guid pollId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} poll(s) waiting for the hub; retrying in {Seconds} s: {Reason}")]
    private static partial void LogWaiting(ILogger logger, int count, double seconds, string reason);
}
