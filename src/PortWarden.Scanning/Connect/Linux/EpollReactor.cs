using System.Net;
using PortWarden.Scanning.Timing;

namespace PortWarden.Scanning.Connect.Linux;

/// <summary>
/// One epoll loop: keeps up to its share of connects in flight, collects their outcomes in batches, and
/// closes sockets whose deadline passed. Everything it owns is touched by its own thread only; the
/// scheduler is shared and guarded by its lock, taken once per batch.
/// </summary>
internal sealed class EpollReactor : IDisposable
{
    private const int MaxIdleWaitMs = 10;
    private const int RateLimitedWaitMs = 2;
    private static readonly TimeSpan ShortagePause = TimeSpan.FromMilliseconds(20);

    private readonly ConnectScheduler scheduler;
    private readonly RecordQueue output;
    private readonly ProbePacer pacer;
    private readonly int share;
    private readonly TimeProvider time;
    private readonly int epoll;
    private readonly Dictionary<long, InFlight> pending = [];
    private readonly PriorityQueue<long, long> deadlines = new();
    private readonly List<(Probe Probe, ConnectOutcome Outcome, TimeSpan Elapsed)> finished = [];
    private readonly byte[] events = new byte[256 * LinuxSockets.EpollEventSize];
    private long nextId;
    private long pausedUntil;

    public EpollReactor(ConnectScheduler scheduler, RecordQueue output, ProbePacer pacer, int share, TimeProvider time)
    {
        this.scheduler = scheduler;
        this.output = output;
        this.pacer = pacer;
        this.share = share;
        this.time = time;
        epoll = LinuxSockets.CreateEpoll();
    }

    public void Run(CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var rateLimited = StartProbes();
            CompleteFinished();
            if (pending.Count == 0)
            {
                lock (scheduler.Gate)
                {
                    if (scheduler.IsFinished)
                    {
                        return;
                    }
                }
            }

            var ready = LinuxSockets.Wait(epoll, events, WaitMs(rateLimited));
            if (ready < 0)
            {
                var error = LinuxSockets.LastError;
                if (error == LinuxSockets.ErrInterrupted)
                {
                    continue;
                }

                throw new IOException($"epoll_wait failed (errno {error})");
            }

            var now = time.GetTimestamp();
            for (var i = 0; i < ready; i++)
            {
                if (pending.Remove(LinuxSockets.EventData(events, i), out var connect))
                {
                    var error = LinuxSockets.PendingError(connect.Fd);
                    Finish(connect, Outcome(connect, error), now);
                }
            }

            while (deadlines.TryPeek(out var id, out var deadline) && deadline <= now)
            {
                deadlines.Dequeue();
                if (pending.Remove(id, out var connect))
                {
                    Finish(connect, ConnectOutcome.Silent, now);
                }
            }

            CompleteFinished();
        }
    }

    public void Dispose()
    {
        foreach (var connect in pending.Values)
        {
            LinuxSockets.Close(connect.Fd);
        }

        pending.Clear();
        LinuxSockets.Close(epoll);
    }

    /// <summary>Fills this loop's share of sockets; returns true when the rate limit held probes back.</summary>
    private bool StartProbes()
    {
        var now = time.GetTimestamp();
        if (now < pausedUntil || output.IsCongested)
        {
            return false;
        }

        while (pending.Count < share)
        {
            if (!pacer.TryTake())
            {
                return true;
            }

            Probe? probe;
            TimeSpan timeout;
            lock (scheduler.Gate)
            {
                probe = scheduler.NextProbe();
                if (probe is null)
                {
                    return false;
                }

                timeout = scheduler.TimeoutFor(probe);
            }

            Start(probe, timeout, now);
        }

        return false;
    }

    private void Start(Probe probe, TimeSpan timeout, long now)
    {
        var endpoint = new IPEndPoint(probe.Host.Target.Address, probe.Port);
        var fd = LinuxSockets.OpenTcpSocket(endpoint.AddressFamily);
        if (fd < 0)
        {
            finished.Add((probe, ConnectErrors.Classify(LinuxSockets.LastError), TimeSpan.Zero));
            return;
        }

        var connect = new InFlight(probe, endpoint, fd, now);
        var error = LinuxSockets.StartConnect(fd, endpoint);
        if (error == LinuxSockets.ErrInProgress)
        {
            error = LinuxSockets.Register(epoll, fd, ++nextId);
            if (error == 0)
            {
                pending[nextId] = connect;
                deadlines.Enqueue(nextId, now + (long)(timeout.TotalSeconds * time.TimestampFrequency));
                return;
            }
        }

        Finish(connect, Outcome(connect, error), now);
    }

    private static ConnectOutcome Outcome(InFlight connect, int error)
    {
        var outcome = ConnectErrors.Classify(error);

        // Probing a local port equal to the ephemeral source port the kernel picked connects the socket to
        // itself (TCP simultaneous open): that says nothing about a listener, so the attempt is repeated.
        return outcome == ConnectOutcome.Accepted && LinuxSockets.IsConnectedToItself(connect.Fd, connect.Endpoint)
            ? ConnectOutcome.LocalShortage
            : outcome;
    }

    private void Finish(InFlight connect, ConnectOutcome outcome, long now)
    {
        LinuxSockets.CloseAbortively(connect.Fd, outcome is ConnectOutcome.Accepted or ConnectOutcome.LocalShortage);
        var elapsed = TimeSpan.FromSeconds((double)(now - connect.Started) / time.TimestampFrequency);
        finished.Add((connect.Probe, outcome, elapsed));
    }

    private void CompleteFinished()
    {
        if (finished.Count == 0)
        {
            return;
        }

        var shortage = false;
        lock (scheduler.Gate)
        {
            foreach (var (probe, outcome, elapsed) in finished)
            {
                scheduler.Complete(probe, outcome, elapsed);
                shortage |= outcome == ConnectOutcome.LocalShortage;
            }
        }

        finished.Clear();
        if (shortage)
        {
            pausedUntil = time.GetTimestamp() + (long)(ShortagePause.TotalSeconds * time.TimestampFrequency);
        }
    }

    private int WaitMs(bool rateLimited)
    {
        var limit = rateLimited ? RateLimitedWaitMs : MaxIdleWaitMs;
        if (!deadlines.TryPeek(out _, out var deadline))
        {
            return limit;
        }

        var ms = (deadline - time.GetTimestamp()) * 1000 / time.TimestampFrequency;
        return (int)Math.Clamp(ms + 1, 0, limit);
    }

    private sealed record InFlight(Probe Probe, IPEndPoint Endpoint, int Fd, long Started);
}
