using System.Globalization;
using PortWarden.Alerts.Channels;
using PortWarden.Alerts.Dispatch;
using PortWarden.Core.Tracking;

namespace PortWarden.Cli.Commands;

/// <summary>
/// What `track` and `import` do after recording a poll: queue the alert rules' messages about it, then deliver what is
/// due within a bounded time. A channel that fails keeps its delivery queued for the next run (or a hub); it never fails
/// the command or changes its exit code.
/// </summary>
internal static class AlertFlush
{
    public static async Task RunAsync(
        IPortWardenStore store, Device device, PollResult result, TimeSpan budget, CliStreams streams, TimeProvider time, string command, CancellationToken cancellationToken)
    {
        try
        {
            await new AlertOutbox(store, time).EnqueueAsync(device, result.Poll, result.Events, cancellationToken).ConfigureAwait(false);
            if (budget <= TimeSpan.Zero)
            {
                return;
            }

            using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
            var options = new AlertDeliveryOptions { SendTimeout = budget < TimeSpan.FromSeconds(30) ? budget : TimeSpan.FromSeconds(30) };
            var dispatcher = new AlertDispatcher(store, AlertSenders.Create(http, time), time, options);
            var round = await dispatcher.FlushAsync(budget, cancellationToken).ConfigureAwait(false);
            if (round.Retrying + round.Dead > 0)
            {
                await streams.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"portwarden {command}: {round.Retrying + round.Dead} alert deliver{(round.Retrying + round.Dead == 1 ? "y" : "ies")} failed ({round.Retrying} to retry at a later run, {round.Dead} dead); see 'portwarden alerts deliveries'"))
                    .ConfigureAwait(false);
            }
        }
        catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await streams.Error.WriteLineAsync($"portwarden {command}: the poll is recorded, but its alerts could not be queued or sent: {error.Message}").ConfigureAwait(false);
        }
    }
}
