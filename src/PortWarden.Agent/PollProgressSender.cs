using Microsoft.Extensions.Logging;
using PortWarden.Agent.Wire;
using PortWarden.Core.Scanning;

namespace PortWarden.Agent;

/// <summary>
/// Forwards an engine's progress of one poll to the hub: the latest value at most once per interval (an engine
/// may report thousands of times a second), then a last report when the poll ends. Progress is only for
/// watching: a hub that is away or refuses it never slows or fails the poll.
/// </summary>
public sealed partial class PollProgressSender(IHubConnection hub, TimeProvider time, TimeSpan interval, ILogger logger) : IProgress<ScanProgress>, IDisposable
{
    /// <summary>The last report never holds up the poll's upload for longer than this.</summary>
    private static readonly TimeSpan FinalReportLimit = TimeSpan.FromSeconds(5);

    private readonly Lock gate = new();
    private ScanProgress? latest;
    private ScanProgress? sent;
    private PollProgressReport? identity;
    private CancellationTokenSource? stop;
    private Task loop = Task.CompletedTask;

    public void Report(ScanProgress value)
    {
        lock (gate)
        {
            latest = value;
        }
    }

    /// <summary>Starts sending for the poll (or shard) that has just begun.</summary>
    public void Start(Guid pollId, long trackerId, long? shardId, DateTimeOffset startedAt)
    {
        identity = new PollProgressReport(pollId, trackerId, shardId, startedAt, 0, 0, Finished: false);
        stop = new CancellationTokenSource();
        loop = RunAsync(stop.Token);
    }

    /// <summary>Stops sending and reports the poll finished.</summary>
    public async Task FinishAsync(CancellationToken cancellationToken)
    {
        if (stop is null || identity is null)
        {
            return;
        }

        await stop.CancelAsync().ConfigureAwait(false);
        await loop.ConfigureAwait(false);
        stop.Dispose();
        stop = null;
        var last = Snapshot();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(FinalReportLimit);
        await SendAsync(identity with { Completed = last?.Completed ?? 0, Total = last?.Total ?? 0, Finished = true }, limit.Token).ConfigureAwait(false);
    }

    public void Dispose()
    {
        stop?.Cancel();
        stop?.Dispose();
        stop = null;
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            // The first report says at once that the poll runs, before the engine knows how much there is to do.
            await SendAsync(identity!, cancellationToken).ConfigureAwait(false);
            while (true)
            {
                await Task.Delay(interval, time, cancellationToken).ConfigureAwait(false);
                var current = Snapshot();
                if (current is not null && current != sent)
                {
                    sent = current;
                    await SendAsync(identity! with { Completed = current.Completed, Total = current.Total }, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private ScanProgress? Snapshot()
    {
        lock (gate)
        {
            return latest;
        }
    }

    private async Task SendAsync(PollProgressReport report, CancellationToken cancellationToken)
    {
        try
        {
            await hub.ReportProgressAsync(report, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is HubUnavailableException or HubRejectedException)
        {
            LogNotSent(logger, error.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Poll progress not sent: {Reason}")]
    private static partial void LogNotSent(ILogger logger, string reason);
}
