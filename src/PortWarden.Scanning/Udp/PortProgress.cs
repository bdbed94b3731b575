namespace PortWarden.Scanning.Udp;

/// <summary>An undecided port that has been probed: how often, how many of its silences were vouched for, and whether a probe is out.</summary>
internal sealed class PortProgress(int port)
{
    public int Port { get; } = port;

    /// <summary>Attempts that ended in silence or are in flight.</summary>
    public int Attempts { get; set; }

    /// <summary>Silent attempts proven not to be ICMP suppression (a canary answered right after them).</summary>
    public int VouchedSilences { get; set; }

    public UdpProbe? InFlight { get; set; }

    /// <summary>Its place in the host's retry queue, while it waits there.</summary>
    public LinkedListNode<PortProgress>? RetryNode { get; set; }

    /// <summary>A scout of host discovery (its answer proves the host up).</summary>
    public bool Scout { get; init; }
}
