using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;
using PortWarden.Core.Targets;
using PortWarden.Scanning.Timing;

namespace PortWarden.Scanning.Connect;

/// <summary>
/// The decisions of a connect scan, free of I/O: which probe goes next (retransmissions first, then fresh
/// probes round-robin over the hosts in progress, activating hosts as needed), how long to wait for it, and
/// what each outcome means. Drivers do the sockets and call in while holding <see cref="Gate"/>; records are
/// added to the queue under that lock, so each host's observations always precede its report.
/// </summary>
internal sealed class ConnectScheduler
{
    private static readonly int[] DiscoveryPorts = [80, 443, 22, 445, 3389];

    private readonly ScanRequest request;
    private readonly ScanOptions options;
    private readonly ServiceTable services;
    private readonly RecordQueue output;
    private readonly Queue<Probe> retries = new();
    private readonly List<HostRun> active = [];
    private readonly IEnumerator<ScanTarget> hosts;
    private readonly LossEstimator loss = new();
    private readonly RoundTripEstimator networkRoundTrip = new();
    private readonly int maxAttempts;
    private bool hostsExhausted;
    private int nextHost;

    public ConnectScheduler(ScanRequest request, ServiceTable services, RecordQueue output)
    {
        this.request = request;
        options = request.Options;
        this.services = services;
        this.output = output;
        hosts = request.Targets.Enumerate().GetEnumerator();
        maxAttempts = Math.Max(1, options.MaxRetries + 1);
    }

    public Lock Gate { get; } = new();

    /// <summary>Probes handed out and not yet completed.</summary>
    public int InFlight { get; private set; }

    /// <summary>Ports decided so far, including all ports of hosts found down.</summary>
    public long CompletedPorts { get; private set; }

    public bool IsFinished => hostsExhausted && active.Count == 0 && retries.Count == 0 && InFlight == 0;

    /// <summary>The next attempt to make, or null when none can start now.</summary>
    public Probe? NextProbe()
    {
        var probe = TakeRetry() ?? TakeFresh() ?? ActivateHost();
        if (probe is not null)
        {
            InFlight++;
        }

        return probe;
    }

    /// <summary>How long to wait for an answer to <paramref name="probe"/>.</summary>
    public TimeSpan TimeoutFor(Probe probe)
    {
        var estimator = probe.Host.RoundTrip.HasSamples ? probe.Host.RoundTrip : networkRoundTrip;
        var timeout = estimator.HasSamples ? estimator.Timeout(options.MinTimeout, options.MaxTimeout) : options.InitialTimeout;

        // Later attempts wait longer, in case the host or the path is only slow.
        var backoff = 1 << Math.Min(probe.Attempt, 3);
        return TimeSpan.FromTicks(Math.Min(timeout.Ticks * backoff, Math.Max(options.MaxTimeout.Ticks, timeout.Ticks)));
    }

    /// <summary>Records what an attempt found, queues what follows from it, and finishes its host when nothing is left.</summary>
    public void Complete(Probe probe, ConnectOutcome outcome, TimeSpan elapsed)
    {
        InFlight--;
        var host = probe.Host;
        host.Outstanding--;
        if (outcome is ConnectOutcome.Accepted or ConnectOutcome.Refused)
        {
            host.RoundTrip.Add(elapsed);
            networkRoundTrip.Add(elapsed);
            loss.RecordAnswer(probe.Attempt);
        }

        if (outcome == ConnectOutcome.LocalShortage)
        {
            Retry(probe);
        }
        else if (probe.Discovery)
        {
            ConcludeDiscovery(probe, outcome);
        }
        else
        {
            ConcludePort(probe, outcome, elapsed);
        }

        SettleIfDone(host);
    }

    public long EstimateTotalPorts()
    {
        var bound = request.Targets.CountUpperBound;
        var hostCount = bound <= (UInt128)(4 * TargetSet.DefaultAddressLimit) ? request.Targets.Count() : (long)UInt128.Min(bound, long.MaxValue);
        return hostCount * Math.Max(1, request.TcpPorts.Count);
    }

    private Probe? TakeRetry()
    {
        while (retries.TryDequeue(out var retry))
        {
            // A host found up needs no more discovery retries.
            if (!retry.Discovery || retry.Host.Phase == HostPhase.Discovering)
            {
                return retry;
            }

            retry.Host.Outstanding--;
            SettleIfDone(retry.Host);
        }

        return null;
    }

    private Probe? TakeFresh()
    {
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

        return null;
    }

    private Probe? ActivateHost()
    {
        while (!hostsExhausted && active.Count < options.HostParallelism)
        {
            if (!hosts.MoveNext())
            {
                hostsExhausted = true;
                break;
            }

            var target = hosts.Current;
            if (request.Resume is { } resume && resume.IsFinished(target.Address))
            {
                // An interrupted run of this scan finished the host; the caller replays its records.
                CompletedPorts += request.TcpPorts.Count;
                continue;
            }

            var decided = request.Resume?.DecidedPorts(target.Address).Values.Where(o => o.Protocol == Protocol.Tcp).ToList() ?? [];
            var ports = request.TcpPorts;
            if (decided.Count > 0)
            {
                var skip = decided.Select(o => o.Port).ToHashSet();
                ports = PortSet.Of(ports.Ports().Where(port => !skip.Contains(port)));
                CompletedPorts += request.TcpPorts.Count - ports.Count;
            }

            // A port that answered in the interrupted run already showed the host up: no discovery again.
            var answered = decided.Find(o => o.State is PortState.Open or PortState.Closed);
            var discovery = request.TcpPorts.Ports().Take(1).Concat(DiscoveryPorts).Distinct();
            var host = new HostRun(target, ports, discovery, options.HostDiscovery && answered is null);
            if (answered is not null && options.HostDiscovery)
            {
                host.MarkUp(answered.State == PortState.Open ? Reasons.SynAck : Reasons.ConnectionRefused);
            }

            active.Add(host);
            if (host.TakeFreshProbe() is { } probe)
            {
                host.Outstanding++;
                return probe;
            }

            SettleIfDone(host);
        }

        return null;
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
            case ConnectOutcome.HostUnreachable or ConnectOutcome.Prohibited:
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

    private void ConcludePort(Probe probe, ConnectOutcome outcome, TimeSpan elapsed)
    {
        var host = probe.Host;
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

            return;
        }

        var (state, reason) = outcome switch
        {
            ConnectOutcome.Accepted => (PortState.Open, Reasons.SynAck),
            ConnectOutcome.Refused => (PortState.Closed, Reasons.ConnectionRefused),
            ConnectOutcome.HostUnreachable => (PortState.Filtered, Reasons.HostUnreachable),
            ConnectOutcome.Prohibited => (PortState.Filtered, Reasons.AdminProhibited),
            _ => (PortState.Filtered, Reasons.NetworkUnreachable),
        };
        host.RecordDecided(state, answered: true);
        CompletedPorts++;
        output.Add(new Observation(host.Target, Protocol.Tcp, probe.Port, state, reason)
        {
            Service = services.NameOf(Protocol.Tcp, probe.Port),
            RoundTrip = outcome is ConnectOutcome.Accepted or ConnectOutcome.Refused ? elapsed : null,
        });
    }

    private void Retry(Probe probe)
    {
        probe.Host.Outstanding++;
        retries.Enqueue(probe);
    }

    /// <summary>Finishes a host with nothing left to probe: more tries for silent ports if the loss seen since calls for it, else its last records.</summary>
    private void SettleIfDone(HostRun host)
    {
        if (host.Outstanding > 0 || host.HasFreshProbes || host.Phase == HostPhase.Finished)
        {
            return;
        }

        if (host.Phase == HostPhase.Discovering)
        {
            // Every discovery probe ended without an answer from the host itself.
            CompletedPorts += host.PortCount;
            output.Add(new HostReport(host.Target, HostState.Down, host.Reason, PortCounts.None));
            Finish(host);
            return;
        }

        var needed = loss.AttemptsNeeded(host.Answered, maxAttempts);
        if (host.Silent.Exists(silent => silent.Attempts < needed))
        {
            foreach (var (port, attempts) in host.Silent.Where(silent => silent.Attempts < needed))
            {
                Retry(new Probe(host, port, attempts, Discovery: false));
            }

            host.Silent.RemoveAll(silent => silent.Attempts < needed);
            return;
        }

        foreach (var (port, _) in host.Silent.OrderBy(silent => silent.Port))
        {
            host.RecordDecided(PortState.Filtered, answered: false);
            CompletedPorts++;
            output.Add(new Observation(host.Target, Protocol.Tcp, port, PortState.Filtered, Reasons.NoResponse)
            {
                Service = services.NameOf(Protocol.Tcp, port),
            });
        }

        output.Add(new HostReport(host.Target, HostState.Up, host.Reason, host.Counts));
        Finish(host);
    }

    private void Finish(HostRun host)
    {
        host.MarkFinished();
        var index = active.IndexOf(host);
        active.RemoveAt(index);
        if (index < nextHost)
        {
            nextHost--;
        }

        if (nextHost >= active.Count)
        {
            nextHost = 0;
        }
    }
}
