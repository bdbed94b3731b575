using System.Runtime.CompilerServices;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;
using PortWarden.Scanning.Timing;

namespace PortWarden.Scanning.Connect;

/// <summary>One run of the connect engine: a scheduler deciding, a driver probing, and the records streaming out as they are decided.</summary>
internal sealed class ConnectScan(ScanRequest request, TimeProvider time, ServiceTable services, IConnectDriver driver, IProgress<ScanProgress>? progress)
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);

    public async IAsyncEnumerable<ScanRecord> RunAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var output = new RecordQueue();
        var scheduler = new ConnectScheduler(request, services, output);
        var started = time.GetTimestamp();
        var total = progress is null ? 0 : scheduler.EstimateTotalPorts();
        await using var pacer = new ProbePacer(request.Options.RatePerSecond);
        await using var ticker = progress is null ? null : time.CreateTimer(_ => Report(), null, ProgressInterval, ProgressInterval);
        var concurrency = SocketBudget.Limit(Math.Max(1, request.Options.Concurrency));
        await foreach (var record in output.StreamAsync(token => driver.RunAsync(scheduler, output, pacer, concurrency, token), cancellationToken).ConfigureAwait(false))
        {
            yield return record;
        }

        Report();

        void Report()
        {
            long completed;
            lock (scheduler.Gate)
            {
                completed = scheduler.CompletedPorts;
            }

            progress?.Report(new ScanProgress(completed, Math.Max(total, completed), time.GetElapsedTime(started)));
        }
    }
}
