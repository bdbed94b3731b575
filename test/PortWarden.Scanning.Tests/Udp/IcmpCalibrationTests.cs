using System.Net.Sockets;
using PortWarden.Scanning.Udp;

namespace PortWarden.Scanning.Tests.Udp;

public sealed class IcmpCalibrationTests
{
    private const long Frequency = 1_000_000;
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(5);
    private static readonly IcmpLimits Prior = IcmpLimits.Prior(AddressFamily.InterNetwork);

    private static long At(double seconds) => (long)(seconds * Frequency);

    [Fact]
    public void Linux_defaults_measure_as_a_burst_of_6_and_about_1_per_second_never_more()
    {
        // The bucket emptied at 0; tokens arrive at 1.0, 2.0 and 3.0 s, each taken by the first canary after it.
        long[] answered = [At(1.003), At(2.001), At(3.004)];

        var limits = IcmpCalibration.Estimate(burstAnswered: 6, burstSent: 18, usedBefore: 0, answered, refillSent: 600, Interval, Frequency, Prior)!;

        Assert.Equal(6, limits.SourceBurst);
        Assert.InRange(limits.SourceRate, 0.99, 1.0);
    }

    [Fact]
    public void Errors_drawn_just_before_count_towards_the_burst()
    {
        var limits = IcmpCalibration.Estimate(burstAnswered: 2, burstSent: 18, usedBefore: 4.2, [At(1), At(2)], 400, Interval, Frequency, Prior)!;

        Assert.Equal(6, limits.SourceBurst);
    }

    [Fact]
    public void A_single_refill_answer_gives_a_cautious_rate_and_no_answer_at_all_gives_nothing()
    {
        var slow = IcmpCalibration.Estimate(1, 18, 0, [At(2.5)], 600, Interval, Frequency, Prior)!;

        Assert.True(slow.SourceRate <= 1.0 / 3.0, $"rate {slow.SourceRate}");
        Assert.Null(IcmpCalibration.Estimate(0, 18, 0, [], 600, Interval, Frequency, Prior));
    }

    [Fact]
    public void The_global_limits_stay_those_of_the_prior()
    {
        var limits = IcmpCalibration.Estimate(6, 18, 0, [At(1), At(2)], 600, Interval, Frequency, Prior)!;

        Assert.Equal((Prior.GlobalBurst, Prior.GlobalRate), (limits.GlobalBurst, limits.GlobalRate));
        Assert.Equal(Math.Min(256 * limits.SourceRate, Prior.GlobalRate), limits.Throughput(256));
    }
}
