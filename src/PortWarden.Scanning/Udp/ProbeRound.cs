namespace PortWarden.Scanning.Udp;

/// <summary>
/// Probes sent back to back from one source to one host, possibly closed by a canary: a probe of a port known
/// to answer with an ICMP error. An ICMP error is only suppressed while the target's bucket is empty, and a
/// bucket does not refill within the microseconds a round takes, so when the canary is answered none of the
/// round's probes was suppressed: their silence is real (or loss, which retries cover).
/// </summary>
internal sealed class ProbeRound(UdpHostRun host, int sourceSlot, IReadOnlyList<UdpProbe> probes)
{
    public UdpHostRun Host { get; } = host;

    /// <summary>Index of the source among the host's sources.</summary>
    public int SourceSlot { get; } = sourceSlot;

    public IReadOnlyList<UdpProbe> Probes { get; } = probes;

    public UdpProbe? Canary => Probes.Count > 0 && Probes[^1].Kind == ProbeKind.Canary ? Probes[^1] : null;

    public bool IsResolved => Probes.All(probe => probe.Resolved);

    /// <summary>True when the round's silences are vouched for: its canary was answered.</summary>
    public bool Vouched => Canary is { Answered: true };
}
