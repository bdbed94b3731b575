using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;
using PortWarden.Core.Targets;
using PortWarden.Scanning.Timing;

namespace PortWarden.Scanning.Connect;

/// <summary>
/// One run of the connect engine. A scheduler loop hands out probes while sockets are free: retransmissions
/// first, then fresh probes round-robin over the hosts in progress, activating more hosts as needed. Each
/// finished attempt is classified, its observation written, and its host settled once nothing is left.
/// </summary>
[SuppressMessage("Reliability", "CA1001", Justification = "The semaphores never create wait handles, and probes still finishing after the scan may release them.")]
internal sealed class ConnectScan
{
    private static readonly int[] DiscoveryPorts = [80, 443, 22, 445, 3389];
    private static readonly TimeSpan ShortageBackoff = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);

    private readonly Lock gate = new();
    private readonly ScanRequest request;
    private readonly ScanOptions options;
    private readonly TimeProvider time;
    private readonly ServiceTable services;
    private readonly IProgress<ScanProgress>? progress;
    private readonly Queue<Probe> retries = new();
    private readonly List<HostRun> active = [];
    private readonly IEnumerator<ScanTarget> hosts;
    private readonly SemaphoreSlim slots;
    private readonly SemaphoreSlim wake = new(0);
    private readonly Channel<ScanRecord> output = Channel.CreateBounded<ScanRecord>(
        new BoundedChannelOptions(4096) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private readonly LossEstimator loss = new();
    private readonly RoundTripEstimator networkRoundTrip = new();
    private readonly int maxAttempts;
    private bool hostsExhausted;
    private int nextHost;
    private int inFlight;
    private long completedPorts;
    private long totalPorts;
    private long startedAt;

    public ConnectScan(ScanRequest request, TimeProvider time, ServiceTable services, IProgress<ScanProgress>? progress)
    {
        this.request = request;
        options = request.Options;
        this.time = time;
        this.services = services;
        this.progress = progress;
        hosts = request.Targets.Enumerate().GetEnumerator();
        slots = new SemaphoreSlim(SocketBudget.Limit(Math.Max(1, options.Concurrency)));
        maxAttempts = Math.Max(1, options.MaxRetries + 1);
    }

    public async IAsyncEnumerable<ScanRecord> RunAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        startedAt = time.GetTimestamp();
        totalPorts = progress is null ? 0 : EstimateTotalPorts();
        await using var pacer = new ProbePacer(options.RatePerSecond);
        using var ticker = progress is null ? null : time.CreateTimer(_ => ReportProgress(), null, ProgressInterval, ProgressInterval);
        var scheduler = Task.Run(() => ScheduleAsync(pacer, stop.Token), CancellationToken.None);
        try
        {
            await foreach (var record in output.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return record;
            }

            await scheduler.ConfigureAwait(false);
            ReportProgress();
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
        }
    }

    private async Task ScheduleAsync(ProbePacer pacer, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                Probe? probe;
                bool finished;
                lock (gate)
                {
                    probe = NextProbe();
                    finished = probe is null && IsFinished();
                    if (probe is not null)
                    {
                        inFlight++;
                    }
                }

                if (probe is null)
                {
                    slots.Release();
                    if (finished)
                    {
                        break;
                    }

                    await wake.WaitAsync(cancellationToken).ConfigureAwait(false);
                    continue;
                }

                await pacer.WaitAsync(cancellationToken).ConfigureAwait(false);
                _ = RunProbeAsync(probe, cancellationToken);
            }

            output.Writer.TryComplete();
        }
        catch (Exception error)
        {
            output.Writer.TryComplete(error);
        }
    }

    private Probe? NextProbe()
    {
        while (retries.TryDequeue(out var retry))
        {
            // A host found up needs no more discovery retries.
            if (!retry.Discovery || retry.Host.Phase == HostPhase.Discovering)
            {
                return retry;
            }

            retry.Host.Outstanding--;
            SettleIfDone(retry.Host, null);
        }

        for (var i = 0; i < active.Count; i++)
        {
            var host = active[(nextHost + i) % active.Count];
            if (host.TakeFreshProbe() is { } probe)
            {
                nextHost = (nextHost + i + 1) % active.Count;
                host.Outstanding++;
                return probe;
            }
        }

        while (!hostsExhausted && active.Count < options.HostParallelism)
        {
            if (!hosts.MoveNext())
            {
                hostsExhausted = true;
                break;
            }

            var host = new HostRun(hosts.Current, request.TcpPorts, DiscoveryPortsFor(), options.HostDiscovery);
            active.Add(host);
            if (host.TakeFreshProbe() is { } probe)
            {
                host.Outstanding++;
                return probe;
            }

            SettleIfDone(host, null);
        }

        return null;
    }

    private bool IsFinished() => hostsExhausted && active.Count == 0 && retries.Count == 0 && inFlight == 0;

    private IEnumerable<int> DiscoveryPortsFor() =>
        request.TcpPorts.Ports().Take(1).Concat(DiscoveryPorts).Distinct();

    private async Task RunProbeAsync(Probe probe, CancellationToken cancellationToken)
    {
        var host = probe.Host;
        try
        {
            TimeSpan timeout;
            lock (gate)
            {
                timeout = TimeoutFor(probe);
            }

            var started = time.GetTimestamp();
            var outcome = await ConnectProbe.RunAsync(new IPEndPoint(host.Target.Address, probe.Port), timeout, time, cancellationToken)
                .ConfigureAwait(false);
            var elapsed = time.GetElapsedTime(started);
            if (outcome == ConnectOutcome.LocalShortage)
            {
                // Nothing was learnt about the target: try the same attempt again once resources free up.
                await Task.Delay(ShortageBackoff, time, cancellationToken).ConfigureAwait(false);
            }

            List<ScanRecord> records;
            lock (gate)
            {
                records = Conclude(probe, outcome, elapsed);
            }

            foreach (var record in records)
            {
                await output.Writer.WriteAsync(record, cancellationToken).ConfigureAwait(false);
            }

            lock (gate)
            {
                host.Outstanding--;
                records = [];
                SettleIfDone(host, records);
            }

            foreach (var record in records)
            {
                await output.Writer.WriteAsync(record, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (ChannelClosedException)
        {
        }
        catch (Exception error)
        {
            output.Writer.TryComplete(error);
        }
        finally
        {
            lock (gate)
            {
                inFlight--;
            }

            slots.Release();
            wake.Release();
        }
    }

    private TimeSpan TimeoutFor(Probe probe)
    {
        var estimator = probe.Host.RoundTrip.HasSamples ? probe.Host.RoundTrip : networkRoundTrip;
        var timeout = estimator.HasSamples ? estimator.Timeout(options.MinTimeout, options.MaxTimeout) : options.InitialTimeout;

        // Later attempts wait longer, in case the host or the path is only slow.
        var backoff = 1 << Math.Min(probe.Attempt, 3);
        return TimeSpan.FromTicks(Math.Min(timeout.Ticks * backoff, Math.Max(options.MaxTimeout.Ticks, timeout.Ticks)));
    }

    private List<ScanRecord> Conclude(Probe probe, ConnectOutcome outcome, TimeSpan elapsed)
    {
        var host = probe.Host;
        var records = new List<ScanRecord>(1);
        switch (outcome)
        {
            case ConnectOutcome.LocalShortage:
                Retry(probe with { });
                return records;
            case ConnectOutcome.Accepted or ConnectOutcome.Refused:
                host.RoundTrip.Add(elapsed);
                networkRoundTrip.Add(elapsed);
                loss.RecordAnswer(probe.Attempt);
                break;
        }

        if (probe.Discovery)
        {
            ConcludeDiscovery(probe, outcome);
            return records;
        }

        var (state, reason) = outcome switch
        {
            ConnectOutcome.Accepted => (PortState.Open, Reasons.SynAck),
            ConnectOutcome.Refused => (PortState.Closed, Reasons.ConnectionRefused),
            ConnectOutcome.HostUnreachable => (PortState.Filtered, Reasons.HostUnreachable),
            ConnectOutcome.NetworkUnreachable => (PortState.Filtered, Reasons.NetworkUnreachable),
            _ => (PortState.Filtered, Reasons.NoResponse),
        };

        if (outcome == ConnectOutcome.Silent)
        {
            if (probe.Attempt + 1 < loss.AttemptsNeeded(host.Answered, maxAttempts))
            {
                Retry(probe with { Attempt = probe.Attempt + 1 });
            }
            else
            {
                host.Silent.Add((probe.Port, probe.Attempt + 1));
            }

            return records;
        }

        host.RecordDecided(state, answered: true);
        completedPorts++;
        records.Add(new Observation(host.Target, Protocol.Tcp, probe.Port, state, reason)
        {
            Service = services.NameOf(Protocol.Tcp, probe.Port),
            RoundTrip = outcome is ConnectOutcome.Accepted or ConnectOutcome.Refused ? elapsed : null,
        });
        return records;
    }

    private void ConcludeDiscovery(Probe probe, ConnectOutcome outcome)
    {
        var host = probe.Host;
        if (host.Phase != HostPhase.Discovering)
        {
            return;
        }

        switch (outcome)
        {
            case ConnectOutcome.Accepted:
                host.MarkUp(Reasons.SynAck);
                break;
            case ConnectOutcome.Refused:
                host.MarkUp(Reasons.ConnectionRefused);
                break;
            case ConnectOutcome.HostUnreachable:
                host.NoteUnreachable(Reasons.HostUnreachable);
                break;
            case ConnectOutcome.NetworkUnreachable:
                host.NoteUnreachable(Reasons.NetworkUnreachable);
                break;
            case ConnectOutcome.Silent when probe.Attempt + 1 < loss.AttemptsNeeded(1, maxAttempts):
                Retry(probe with { Attempt = probe.Attempt + 1 });
                break;
        }
    }

    private void Retry(Probe probe)
    {
        probe.Host.Outstanding++;
        retries.Enqueue(probe);
    }

    /// <summary>Finishes a host with nothing left to probe: more tries for silent ports if the loss seen since calls for it, else its last records.</summary>
    private void SettleIfDone(HostRun host, List<ScanRecord>? records)
    {
        if (host.Outstanding > 0 || host.HasFreshProbes)
        {
            return;
        }

        if (host.Phase == HostPhase.Discovering)
        {
            // Every discovery probe ended without an answer from the host itself.
            host.MarkDown();
        }
        else if (host.Phase == HostPhase.Scanning)
        {
            var needed = loss.AttemptsNeeded(host.Answered, maxAttempts);
            var again = host.Silent.Where(silent => silent.Attempts < needed).ToList();
            if (again.Count > 0)
            {
                host.Silent.RemoveAll(silent => silent.Attempts < needed);
                foreach (var (port, attempts) in again)
                {
                    Retry(new Probe(host, port, attempts, Discovery: false));
                }

                return;
            }
        }

        active.Remove(host);
        if (records is null)
        {
            // Settled from the scheduler: nothing can be written there, so hand the records to a writer task.
            records = [];
            FinishHost(host, records);
            inFlight++;
            _ = WriteDetachedAsync(records);
            return;
        }

        FinishHost(host, records);
    }

    private void FinishHost(HostRun host, List<ScanRecord> records)
    {
        if (host.Phase == HostPhase.Scanning)
        {
            foreach (var (port, _) in host.Silent.OrderBy(silent => silent.Port))
            {
                host.RecordDecided(PortState.Filtered, answered: false);
                completedPorts++;
                records.Add(new Observation(host.Target, Protocol.Tcp, port, PortState.Filtered, Reasons.NoResponse)
                {
                    Service = services.NameOf(Protocol.Tcp, port),
                });
            }

            records.Add(new HostReport(host.Target, HostState.Up, host.Reason, host.Counts));
            return;
        }

        completedPorts += host.PortCount;
        records.Add(new HostReport(host.Target, HostState.Down, host.Reason, PortCounts.None));
    }

    private async Task WriteDetachedAsync(List<ScanRecord> records)
    {
        try
        {
            foreach (var record in records)
            {
                await output.Writer.WriteAsync(record).ConfigureAwait(false);
            }
        }
        catch (ChannelClosedException)
        {
        }
        finally
        {
            lock (gate)
            {
                inFlight--;
            }

            wake.Release();
        }
    }

    private long EstimateTotalPorts()
    {
        var bound = request.Targets.CountUpperBound;
        var hostCount = bound <= (UInt128)(4 * TargetSet.DefaultAddressLimit) ? request.Targets.Count() : (long)UInt128.Min(bound, long.MaxValue);
        return hostCount * Math.Max(1, request.TcpPorts.Count);
    }

    private void ReportProgress()
    {
        long completed;
        lock (gate)
        {
            completed = completedPorts;
        }

        progress?.Report(new ScanProgress(completed, Math.Max(totalPorts, completed), time.GetElapsedTime(startedAt)));
    }
}
