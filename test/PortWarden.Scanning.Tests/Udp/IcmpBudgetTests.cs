using PortWarden.Scanning.Udp;

namespace PortWarden.Scanning.Tests.Udp;

public sealed class IcmpBudgetTests
{
    private const long Frequency = 1000;

    [Fact]
    public void A_full_budget_allows_its_burst_then_refills_at_its_rate()
    {
        var budget = new IcmpBudget(burst: 6, ratePerSecond: 1, now: 0, Frequency);

        budget.Take(6, now: 0);

        Assert.Equal(0, budget.Available(0));
        Assert.Equal(1000, budget.WhenAvailable(1, 0));
        Assert.Equal(0.5, budget.Available(500), 6);
        Assert.Equal(6, budget.Available(60_000));
    }

    [Fact]
    public void Refunds_never_exceed_the_burst_and_emptying_forgets_saved_tokens()
    {
        var budget = new IcmpBudget(burst: 6, ratePerSecond: 1, now: 0, Frequency);

        budget.Refund(3, now: 0);
        Assert.Equal(6, budget.Available(0));

        budget.Empty(now: 0);
        Assert.Equal(0, budget.Available(0));
    }

    [Fact]
    public void Measured_limits_replace_the_prior_and_cap_the_tokens()
    {
        var budget = new IcmpBudget(burst: 6, ratePerSecond: 1, now: 0, Frequency);

        budget.Reconfigure(burst: 3, ratePerSecond: 10, now: 0);

        Assert.Equal(3, budget.Available(0));
        budget.Take(3, 0);
        Assert.Equal(1, budget.Available(100), 6);
    }
}
