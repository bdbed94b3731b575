using System.Globalization;
using PortWarden.NetLab;

namespace PortWarden.Bench;

/// <summary>
/// A namespace host's ICMP error limits as its sysctls set them, the fastest a scan needing a number of errors can be
/// under them, and the count of errors its limits suppressed (Icmp OutRateLimitHost + OutRateLimitGlobal).
/// </summary>
internal sealed record TargetLimits(double PerSourceRate, double PerSourceBurst, double GlobalRate, double GlobalBurst)
{
    public static async Task<TargetLimits> ReadAsync(LabHost host)
    {
        var ratelimitMs = await SysctlAsync(host, "net.ipv4.icmp_ratelimit").ConfigureAwait(false);
        var perSecond = await SysctlAsync(host, "net.ipv4.icmp_msgs_per_sec").ConfigureAwait(false);
        var burst = await SysctlAsync(host, "net.ipv4.icmp_msgs_burst").ConfigureAwait(false);

        // Linux's per-destination bucket holds 6 messages' worth (XRLIM_BURST_FACTOR) and refills one per ratelimit.
        return new TargetLimits(1000.0 / ratelimitMs, 6, perSecond, burst);
    }

    /// <summary>
    /// The least time to draw <paramref name="errors"/> ICMP errors from <paramref name="sources"/> source addresses:
    /// each source's burst at once, then its rate, all within the global burst and rate.
    /// </summary>
    public TimeSpan MinimumTime(int errors, int sources)
    {
        var perSource = Math.Max(0, errors - (sources * PerSourceBurst)) / (sources * PerSourceRate);
        var global = Math.Max(0, errors - GlobalBurst) / GlobalRate;
        return TimeSpan.FromSeconds(Math.Max(perSource, global));
    }

    public static async Task<long> SuppressedAsync(LabHost host)
    {
        var lines = (await host.ExecAsync("cat", "/proc/net/snmp").ConfigureAwait(false)).Split('\n').Where(line => line.StartsWith("Icmp:", StringComparison.Ordinal)).ToList();
        var names = lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var values = lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        long Value(string name) => Array.IndexOf(names, name) is var i and > 0 ? long.Parse(values[i], CultureInfo.InvariantCulture) : 0;
        return Value("OutRateLimitHost") + Value("OutRateLimitGlobal");
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"ICMP errors per source: {PerSourceRate:0.##}/s, burst {PerSourceBurst}; in all: {GlobalRate}/s, burst {GlobalBurst}");

    private static async Task<double> SysctlAsync(LabHost host, string name) =>
        double.Parse((await host.ExecAsync("sysctl", "-n", name).ConfigureAwait(false)).Trim(), CultureInfo.InvariantCulture);
}
