using System.Net;

namespace PortWarden.Scanning.Udp;

/// <summary>Why a datagram is sent.</summary>
internal enum ProbeKind
{
    /// <summary>A probe of a requested port.</summary>
    Port,

    /// <summary>A probe of a port known to answer with an ICMP error, sent right after a round to prove the target's limiter let errors through.</summary>
    Canary,

    /// <summary>A canary sent to measure the target's limiter.</summary>
    Calibration,
}

/// <summary>One datagram of a round: where it goes, what it carries, when it was sent and what came of it.</summary>
internal sealed class UdpProbe(UdpHostRun host, int port, int attempt, ProbeKind kind, byte[] payload)
{
    public UdpHostRun Host { get; } = host;

    public int Port { get; } = port;

    /// <summary>0 for the first attempt at a port.</summary>
    public int Attempt { get; } = attempt;

    public ProbeKind Kind { get; } = kind;

    public byte[] Payload { get; } = payload;

    /// <summary>Took a token from the ICMP budgets (it may draw an error).</summary>
    public bool Charged { get; init; }

    public ProbeRound Round { get; set; } = null!;

    public IPEndPoint Destination => new(Host.Target.Address, Port);

    public long SentAt { get; set; }

    public long Deadline { get; set; }

    /// <summary>An answer (datagram or ICMP error) arrived for this very probe.</summary>
    public bool Answered { get; set; }

    /// <summary>Answered, timed out, or failed to send: nothing more will come of it.</summary>
    public bool Resolved { get; set; }
}
