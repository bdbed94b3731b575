namespace PortWarden.Scanning.Udp;

/// <summary>Measuring each host's ICMP limits (see <see cref="IcmpCalibration"/>) before the bulk of its ports.</summary>
internal sealed partial class UdpScheduler
{
    private const int MaxCalibrationAttempts = 2;

    /// <summary>
    /// Starts a calibration when the host's remaining ports need more ICMP errors than its sources' buckets hold,
    /// so the refill rate decides the scan's speed; first lets the host's probes in flight finish. True while the
    /// host waits for it.
    /// </summary>
    private bool StartCalibrationIfDue(UdpHostRun host, long now)
    {
        if (!host.CalibrationDue)
        {
            if (host.Calibrated || host.Phase != UdpHostPhase.Scanning || host.Canaries.Count == 0
                || host.CalibrationAttempts >= MaxCalibrationAttempts)
            {
                return false;
            }

            var held = host.SourceBudgets.Sum(budget => budget.Available(now));
            if (host.UnprobedPorts <= held)
            {
                return false;
            }

            host.CalibrationDue = true;
        }

        if (host.InFlight > 0)
        {
            return true;
        }

        var slot = Array.IndexOf(host.ProbesSent, 0);
        if (slot < 0)
        {
            slot = Enumerable.Range(0, host.Sources.Count).MaxBy(s => host.SourceBudgets[s].Available(now));
        }

        // Errors this source drew lately still count against its bucket, less what refilled since.
        var used = host.ErrorsDrawn[slot] == 0 ? 0
            : Math.Max(0, host.ErrorsDrawn[slot] - (host.Limits.SourceRate * Seconds(now - host.FirstErrorAt[slot])));
        host.CalibrationDue = false;
        host.CalibrationAttempts++;
        host.Calibration = new IcmpCalibration(slot, host.Canaries[0], used, IcmpLimits.Prior(host.Family), frequency);
        return true;
    }

    /// <summary>The calibration's canaries due now, or null; applies the result when it is complete.</summary>
    private ProbeRound? CalibrationRound(UdpHostRun host, long now)
    {
        var calibration = host.Calibration!;
        var due = calibration.Due(now);
        if (due > 0)
        {
            var probes = Enumerable.Range(0, due).Select(_ => CanaryProbe(host, calibration.CanaryPort, ProbeKind.Calibration)).ToList();
            var round = Launch(host, calibration.SourceSlot, probes, now);
            calibration.Sent(probes, now);
            return round;
        }

        if (!calibration.IsComplete(now))
        {
            return null;
        }

        host.Calibration = null;
        if (calibration.Result() is { } measured)
        {
            host.Limits = measured;
            host.Calibrated = true;
            foreach (var budget in host.SourceBudgets)
            {
                budget.Reconfigure(measured.SourceBurst, measured.SourceRate, now);
            }

            host.SourceBudgets[calibration.SourceSlot].Empty(now);
        }
        else
        {
            // The canary never answered: it may no longer be closed. Keep the prior limits; try another canary later.
            host.DropCanary(calibration.CanaryPort);
        }

        host.ReadyAt = 0;
        Settle(host, now);
        return null;
    }
}
