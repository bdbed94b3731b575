using PortWarden.Scanning.Timing;

namespace PortWarden.Scanning.Connect.Linux;

/// <summary>
/// The Linux driver: a few dedicated threads, each multiplexing its share of the sockets in flight through
/// its own epoll instance, with no per-probe tasks or thread-pool hops. This is what lets a connect scan
/// outrun nmap's select() loop while making the same system calls per probe.
/// </summary>
internal sealed class EpollConnectDriver(TimeProvider time, int? threads = null) : IConnectDriver
{
    public Task RunAsync(ConnectScheduler scheduler, RecordQueue output, ProbePacer pacer, int concurrency, CancellationToken cancellationToken)
    {
        var count = Math.Clamp(threads ?? Environment.ProcessorCount, 1, Math.Min(4, concurrency));
        var share = (concurrency + count - 1) / count;
        var done = new List<Task>(count);
        for (var i = 0; i < count; i++)
        {
            var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var thread = new Thread(() =>
            {
                try
                {
                    using var reactor = new EpollReactor(scheduler, output, pacer, share, time);
                    reactor.Run(cancellationToken);
                    finished.SetResult();
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    finished.SetCanceled(cancellationToken);
                }
                catch (Exception error)
                {
                    finished.SetException(error);
                }
            })
            {
                IsBackground = true,
                Name = $"portwarden-connect-{i}",
            };
            thread.Start();
            done.Add(finished.Task);
        }

        return Task.WhenAll(done);
    }
}
