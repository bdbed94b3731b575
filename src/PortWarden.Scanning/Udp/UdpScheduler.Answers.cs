using System.Buffers.Binary;
using System.Net;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;
using PortWarden.Scanning.Udp.Payloads;

namespace PortWarden.Scanning.Udp;

/// <summary>What answers mean: datagrams, ICMP errors and send failures, and the decisions that follow from them.</summary>
internal sealed partial class UdpScheduler
{
    /// <summary>A datagram from <paramref name="from"/> arrived on the socket of source <paramref name="sourceIndex"/>.</summary>
    public void OnDatagram(int sourceIndex, IPEndPoint from, ReadOnlySpan<byte> data, long now)
    {
        if (!byAddress.TryGetValue(from.Address, out var host))
        {
            return;
        }

        var progress = Undecided(host, from.Port);
        ServiceMatch? match = null;
        if (progress is not null)
        {
            match = UdpPayloads.Recognise(progress.Port, data);
        }
        else if (FromOtherPort(host, data) is { } other)
        {
            (progress, match) = other;
        }

        if (progress is null)
        {
            return;
        }

        var probe = progress.InFlight;
        if (probe is { Charged: true })
        {
            // A reply proves the target sent no ICMP error for this probe: the token is still in its bucket.
            host.SourceBudgets[probe.Round.SourceSlot].Refund(1, now);
            host.GlobalBudget.Refund(1, now);
        }

        var detail = match?.Detail ?? (data.Length > 0 ? new ServiceDetail(null) { Banner = WireText.Printable(data) } : null);
        Answer(host, progress, now);
        host.MarkUp(Reasons.UdpResponse);
        Decide(host, progress, PortState.Open, Reasons.UdpResponse, match?.Service, detail, RoundTripOf(probe, now));
        Settle(host, now);
    }

    /// <summary>
    /// An ICMP error (or the local error standing for one) for a datagram sent to <paramref name="destination"/>;
    /// <paramref name="quoted"/> is the datagram's payload as the error quotes it.
    /// </summary>
    public void OnIcmpError(int sourceIndex, IPEndPoint destination, IcmpReport report, ReadOnlySpan<byte> quoted, long now)
    {
        if (!byAddress.TryGetValue(destination.Address, out var host) || report.Meaning == IcmpMeaning.Irrelevant)
        {
            return;
        }

        var drewError = report.FromTarget && report.Meaning is IcmpMeaning.PortUnreachable or IcmpMeaning.AdminProhibited;
        if (drewError && host.SlotBySource.TryGetValue(sourceIndex, out var slot))
        {
            host.ErrorsDrawn[slot]++;
            if (host.FirstErrorAt[slot] == 0)
            {
                host.FirstErrorAt[slot] = now;
            }
        }

        if (quoted.Length == CanaryMagic.Length + 4 && quoted.StartsWith(CanaryMagic))
        {
            var nonce = BinaryPrimitives.ReadUInt32BigEndian(quoted[CanaryMagic.Length..]);
            if (canaries.Remove(nonce, out var canary) && !canary.Resolved && drewError)
            {
                host.CanaryMisses[canary.Port] = 0;
                Resolve(canary, answered: true);
                AfterResolve(canary, now);
            }

            return;
        }

        var progress = Undecided(host, destination.Port);
        if (progress is null)
        {
            return;
        }

        if (drewError)
        {
            host.IcmpAnswers++;
            host.AddCanary(progress.Port);
        }

        if (host.Phase == UdpHostPhase.Discovering && !report.FromTarget)
        {
            // A router (or this machine, failing to resolve the address) says the host cannot be reached.
            host.NoteUnreachable(report.Verdict.Reason);
            if (progress.InFlight is { } scoutProbe)
            {
                Resolve(scoutProbe, answered: true);
                RemoveRound(scoutProbe, now);
            }

            host.Pending.Remove(progress.Port);
            host.RemoveRetry(progress);
            host.Silent.Remove(progress.Port);
            Settle(host, now);
            return;
        }

        var probe = progress.InFlight;
        var (state, reason) = report.Verdict;
        Answer(host, progress, now);
        if (report.FromTarget)
        {
            host.MarkUp(reason);
        }

        Decide(host, progress, state, reason, null, null, RoundTripOf(probe, now));
        Settle(host, now);
    }

    /// <summary>A probe could not be sent: a local error standing for an unreachable destination, or (null) a local shortage.</summary>
    public void OnSendFailed(UdpProbe probe, IcmpMeaning? meaning, long now)
    {
        if (probe.Resolved)
        {
            return;
        }

        if (meaning is { } unreachable && probe.Kind == ProbeKind.Port)
        {
            OnIcmpError(-1, probe.Destination, new IcmpReport(unreachable, FromTarget: false), probe.Payload, now);
            return;
        }

        if (probe.Charged)
        {
            probe.Host.SourceBudgets[probe.Round.SourceSlot].Refund(1, now);
            probe.Host.GlobalBudget.Refund(1, now);
        }

        Resolve(probe, answered: false);
        AfterResolve(probe, now);
    }

    /// <summary>The undecided port <paramref name="port"/> of a host (probed, waiting or held silent), or null.</summary>
    private static PortProgress? Undecided(UdpHostRun host, int port) =>
        host.Pending.TryGetValue(port, out var progress) ? progress : host.Silent.GetValueOrDefault(port);

    /// <summary>An answer from another port than the one probed, matched by content (TFTP answers from a new port).</summary>
    private static (PortProgress, ServiceMatch?)? FromOtherPort(UdpHostRun host, ReadOnlySpan<byte> data)
    {
        foreach (var progress in host.Pending.Values)
        {
            foreach (var payload in UdpPayloads.For(progress.Port))
            {
                if (payload.AnswersFromOtherPort && payload.Recognise(data) is { } match)
                {
                    return (progress, match);
                }
            }
        }

        return null;
    }

    /// <summary>Learns from an answer: the round trip, and how many attempts the path lost before it.</summary>
    private void Answer(UdpHostRun host, PortProgress progress, long now)
    {
        loss.RecordAnswer(progress.Attempts);
        if (progress.InFlight is { } probe)
        {
            var rtt = TimeSpan.FromSeconds(Seconds(now - probe.SentAt));
            host.RoundTrip.Add(rtt);
            networkRoundTrip.Add(rtt);
            Resolve(probe, answered: true);
            RemoveRound(probe, now);
        }
    }

    private TimeSpan? RoundTripOf(UdpProbe? probe, long now) => probe is null ? null : TimeSpan.FromSeconds(Seconds(now - probe.SentAt));

    private void Resolve(UdpProbe probe, bool answered)
    {
        if (probe.Resolved)
        {
            return;
        }

        probe.Resolved = true;
        probe.Answered = answered;
        InFlight--;
        probe.Host.InFlight--;
        if (probe.Kind == ProbeKind.Port && probe.Host.Pending.TryGetValue(probe.Port, out var progress) && progress.InFlight == probe)
        {
            progress.InFlight = null;
        }
    }

    private void AfterResolve(UdpProbe probe, long now)
    {
        RemoveRound(probe, now);
        Settle(probe.Host, now);
    }

    /// <summary>When the probe's round is fully resolved: counts its silences (vouched if its canary answered) and decides them.</summary>
    private void RemoveRound(UdpProbe probe, long now)
    {
        var round = probe.Round;
        var host = round.Host;
        if (!round.IsResolved || !host.OpenRounds.Remove(round))
        {
            return;
        }

        if (round.Canary is { } canary)
        {
            canaries.Remove(NonceOf(canary));
            if (!canary.Answered)
            {
                // Lost, or suppressed: our copy of this source's bucket was too full. Start it over from empty.
                host.SourceBudgets[round.SourceSlot].Empty(now);
                var misses = host.CanaryMisses[canary.Port] = host.CanaryMisses.GetValueOrDefault(canary.Port) + 1;
                if (misses >= 4 && host.Canaries.Count > 1)
                {
                    host.DropCanary(canary.Port);
                }
            }
        }

        var vouched = round.Vouched || (round.Canary is null && VouchedByQuiet(host, round.Probes[0].SentAt));
        foreach (var silent in round.Probes.Where(p => p.Kind == ProbeKind.Port && !p.Answered))
        {
            if (host.Pending.TryGetValue(silent.Port, out var progress) && progress.InFlight is null && progress.RetryNode is null)
            {
                progress.Attempts++;
                if (vouched)
                {
                    progress.VouchedSilences++;
                }

                DecideSilence(host, progress);
            }
        }

        if (round.Probes.Any(p => p.Kind is ProbeKind.Calibration))
        {
            foreach (var calibration in round.Probes)
            {
                canaries.Remove(NonceOf(calibration));
            }
        }
    }

    /// <summary>
    /// Silence without a canary is proven only on a host that has drawn no ICMP error at all although it has been
    /// probed for twice the time its bucket needs to refill one token: had any probed port been closed, an error
    /// would have come by then.
    /// </summary>
    private bool VouchedByQuiet(UdpHostRun host, long sentAt) =>
        host.IcmpAnswers == 0 && host.FirstSentAt is { } first && Seconds(sentAt - first) >= Math.Max(2.0, 2.0 / host.Limits.SourceRate);

    /// <summary>Another attempt for a silent port, or, once enough silences are proven, holds it as silent; gives up at the cap.</summary>
    private void DecideSilence(UdpHostRun host, PortProgress progress)
    {
        var needed = host.Phase == UdpHostPhase.Discovering ? loss.AttemptsNeeded(1, maxAttempts) : loss.AttemptsNeeded(host.Answered, maxAttempts);
        if (progress.VouchedSilences >= needed)
        {
            host.Pending.Remove(progress.Port);
            host.Silent[progress.Port] = progress;
        }
        else if (progress.Attempts >= attemptCap)
        {
            host.Pending.Remove(progress.Port);
            if (host.Phase == UdpHostPhase.Discovering)
            {
                host.Silent[progress.Port] = progress;
            }
            else
            {
                host.Undecided.Add(new PortKey(Protocol.Udp, progress.Port));
                CompletedPorts++;
            }
        }
        else
        {
            host.EnqueueRetry(progress);
        }
    }

    /// <summary>Decides a port by an answer and reports it.</summary>
    private void Decide(UdpHostRun host, PortProgress progress, PortState state, string reason, string? service, ServiceDetail? detail, TimeSpan? roundTrip)
    {
        host.Pending.Remove(progress.Port);
        host.RemoveRetry(progress);
        host.Silent.Remove(progress.Port);
        host.RecordDecided(state, answered: true);
        CompletedPorts++;
        output.Add(new Observation(host.Target, Protocol.Udp, progress.Port, state, reason)
        {
            Service = service ?? services.NameOf(Protocol.Udp, progress.Port),
            Detail = detail,
            RoundTrip = roundTrip,
        });
    }

    /// <summary>Finishes a host with nothing left to do: down if discovery failed; else its silent ports (re-checked) and its report.</summary>
    private void Settle(UdpHostRun host, long now)
    {
        if (host.Phase == UdpHostPhase.Finished || host.InFlight > 0 || host.Pending.Count > 0 || host.HasFreshPorts || host.Calibration is not null)
        {
            return;
        }

        if (host.Phase == UdpHostPhase.Discovering)
        {
            CompletedPorts += host.PortCount - host.ResumedPorts;
            output.Add(new HostReport(host.Target, HostState.Down, host.Reason, PortCounts.None));
            Finish(host);
            return;
        }

        // The loss estimate may have risen since a port was held silent: such ports get the attempts it now asks for.
        var needed = loss.AttemptsNeeded(host.Answered, maxAttempts);
        var unproven = host.Silent.Values.Where(silent => silent.VouchedSilences < needed && silent.Attempts < attemptCap).ToList();
        if (unproven.Count > 0)
        {
            foreach (var progress in unproven)
            {
                host.Silent.Remove(progress.Port);
                host.Pending[progress.Port] = progress;
                host.EnqueueRetry(progress);
            }

            return;
        }

        foreach (var progress in host.Silent.Values.OrderBy(silent => silent.Port))
        {
            host.RecordDecided(PortState.OpenFiltered, answered: false);
            CompletedPorts++;
            output.Add(new Observation(host.Target, Protocol.Udp, progress.Port, PortState.OpenFiltered, Reasons.NoResponse)
            {
                Service = services.NameOf(Protocol.Udp, progress.Port),
            });
        }

        host.Silent.Clear();
        output.Add(new HostReport(host.Target, HostState.Up, host.Reason, host.Counts) { Undecided = [.. host.Undecided.Order()] });
        Finish(host);
    }

    private void Finish(UdpHostRun host)
    {
        host.MarkFinished();
        byAddress.Remove(host.Target.Address);
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

    private static uint NonceOf(UdpProbe canary) => BinaryPrimitives.ReadUInt32BigEndian(canary.Payload.AsSpan(CanaryMagic.Length));
}
