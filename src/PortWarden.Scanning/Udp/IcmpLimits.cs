using System.Net.Sockets;

namespace PortWarden.Scanning.Udp;

/// <summary>
/// How many ICMP errors a target sends: per source address (a burst, then a steady rate) and in total (its
/// global budget). The engine starts from Linux's defaults — the strictest common limits — and replaces the
/// per-source figures with what it measures (<see cref="IcmpCalibration"/>).
/// </summary>
internal sealed record IcmpLimits(double SourceBurst, double SourceRate, double GlobalBurst, double GlobalRate)
{
    /// <summary>
    /// Linux defaults. IPv4: net.ipv4.icmp_ratelimit = 1000 ms per message with a burst of 6 (XRLIM_BURST_FACTOR),
    /// per source address. IPv6: net.ipv6.icmp.ratelimit = 100 ms, also burst 6. Globally icmp_msgs_per_sec =
    /// 1000 with icmp_msgs_burst = 50, but each message takes 0-2 credits at random (1 on average), so the model
    /// assumes 2: at most 25 at once and 800/s, which the real limiter always allows.
    /// </summary>
    public static IcmpLimits Prior(AddressFamily family) => family == AddressFamily.InterNetworkV6
        ? new IcmpLimits(6, 10, 25, 800)
        : new IcmpLimits(6, 1, 25, 800);

    /// <summary>Errors per second this many sources may draw together.</summary>
    public double Throughput(int sources) => Math.Min(sources * SourceRate, GlobalRate);
}
