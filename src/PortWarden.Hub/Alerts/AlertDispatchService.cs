using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PortWarden.Alerts.Dispatch;

namespace PortWarden.Hub.Alerts;

/// <summary>The hub's alert dispatcher: works the outbox whenever alerts are queued and every few seconds, in the background of polling.</summary>
public sealed partial class AlertDispatchService(AlertDispatcher dispatcher, AlertSignal signal, AlertDeliveryOptions options, ILogger<AlertDispatchService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var round = await dispatcher.DeliverDueAsync(stoppingToken).ConfigureAwait(false);
                if (round.Attempted == options.BatchSize)
                {
                    // A full batch: more may be due at once.
                    continue;
                }

                if (round.Retrying + round.Dead > 0)
                {
                    LogRound(logger, round.Delivered, round.Retrying, round.Dead);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error)
            {
                // The store may be away for a moment: try again at the next round.
                LogFailure(logger, error);
            }

            try
            {
                await signal.WaitAsync(options.Interval, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert delivery: {Delivered} delivered, {Retrying} to retry, {Dead} dead")]
    private static partial void LogRound(ILogger logger, int delivered, int retrying, int dead);

    [LoggerMessage(Level = LogLevel.Error, Message = "Alert dispatch round failed")]
    private static partial void LogFailure(ILogger logger, Exception error);
}
