using System.Diagnostics.CodeAnalysis;
using System.Net;
using PortWarden.Scanning.Timing;

namespace PortWarden.Scanning.Connect;

/// <summary>
/// The portable driver: one asynchronous <see cref="System.Net.Sockets.Socket"/> connect per probe, with
/// a semaphore bounding the sockets in flight. Used where no native driver exists.
/// </summary>
[SuppressMessage("Reliability", "CA1001", Justification = "The semaphores never create wait handles, and probes still finishing after the scan may release them.")]
internal sealed class SocketConnectDriver(TimeProvider time) : IConnectDriver
{
    private static readonly TimeSpan ShortageBackoff = TimeSpan.FromMilliseconds(20);
    private readonly SemaphoreSlim wake = new(0);

    public async Task RunAsync(ConnectScheduler scheduler, RecordQueue output, ProbePacer pacer, int concurrency, CancellationToken cancellationToken)
    {
        var slots = new SemaphoreSlim(concurrency);
        while (true)
        {
            await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            await output.WaitForRoomAsync(cancellationToken).ConfigureAwait(false);
            Probe? probe;
            TimeSpan timeout = default;
            bool finished;
            lock (scheduler.Gate)
            {
                probe = scheduler.NextProbe();
                finished = probe is null && scheduler.IsFinished;
                if (probe is not null)
                {
                    timeout = scheduler.TimeoutFor(probe);
                }
            }

            if (probe is null)
            {
                slots.Release();
                if (finished)
                {
                    return;
                }

                await wake.WaitAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            await pacer.WaitAsync(cancellationToken).ConfigureAwait(false);
            _ = ProbeAsync(scheduler, probe, timeout, slots, cancellationToken);
        }
    }

    private async Task ProbeAsync(ConnectScheduler scheduler, Probe probe, TimeSpan timeout, SemaphoreSlim slots, CancellationToken cancellationToken)
    {
        try
        {
            var started = time.GetTimestamp();
            var endpoint = new IPEndPoint(probe.Host.Target.Address, probe.Port);
            var outcome = await ConnectProbe.RunAsync(endpoint, timeout, time, cancellationToken).ConfigureAwait(false);
            var elapsed = time.GetElapsedTime(started);
            if (outcome == ConnectOutcome.LocalShortage)
            {
                // Nothing was learnt about the target: try the same attempt again once resources free up.
                await Task.Delay(ShortageBackoff, time, cancellationToken).ConfigureAwait(false);
            }

            lock (scheduler.Gate)
            {
                scheduler.Complete(probe, outcome, elapsed);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            slots.Release();
            wake.Release();
        }
    }
}
