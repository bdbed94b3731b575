using System.Runtime.CompilerServices;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;
using PortWarden.Scanning.Timing;

namespace PortWarden.Scanning.Udp;

/// <summary>One run of the UDP engine: a scheduler deciding, a driver probing, and the records streaming out as they are decided.</summary>
internal sealed class UdpScan(ScanRequest request, TimeProvider time, ServiceTable services, IUdpDriver driver, IProgress<ScanProgress>? progress)
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);

    public async IAsyncEnumerable<ScanRecord> RunAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var output = new RecordQueue();
        var sources = new SourceTable(new SourceAddressResolver(request.Options.SourceAddresses));
        var scheduler = new UdpScheduler(request, services, output, sources, time.TimestampFrequency);
        var started = time.GetTimestamp();
        var total = progress is null ? 0 : scheduler.EstimateTotalPorts();
        await using var pacer = new ProbePacer(request.Options.RatePerSecond);
        await using var ticker = progress is null ? null : time.CreateTimer(_ => Report(), null, ProgressInterval, ProgressInterval);
        await foreach (var record in output.StreamAsync(token => driver.RunAsync(scheduler, pacer, token), cancellationToken).ConfigureAwait(false))
        {
            yield return record;
        }

        Report();

        void Report()
        {
            ScanProgress value;
            lock (scheduler.Gate)
            {
                value = scheduler.Progress(total, time.GetElapsedTime(started));
            }

            progress?.Report(value);
        }
    }
}
