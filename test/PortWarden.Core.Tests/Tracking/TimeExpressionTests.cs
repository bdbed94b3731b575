using PortWarden.Core.Tracking;

namespace PortWarden.Core.Tests.Tracking;

public sealed class TimeExpressionTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("now", "2026-11-25T12:00:00+00:00")]
    [InlineData("-2h", "2026-11-25T10:00:00+00:00")]
    [InlineData("2h ago", "2026-11-25T10:00:00+00:00")]
    [InlineData("+30m", "2026-11-25T12:30:00+00:00")]
    [InlineData("in 1d", "2026-11-26T12:00:00+00:00")]
    [InlineData("-1w", "2026-11-18T12:00:00+00:00")]
    [InlineData("-90s", "2026-11-25T11:58:30+00:00")]
    [InlineData("2026-11-24T08:15Z", "2026-11-24T08:15:00+00:00")]
    [InlineData("2026-11-24 08:15:00+02:00", "2026-11-24T06:15:00+00:00")]
    public void Times_users_type_are_understood(string text, string expected) =>
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), TimeExpression.Parse(text, Now));

    [Theory]
    [InlineData("2h", "ambiguous")]
    [InlineData("tomorrowish", "is not a time")]
    [InlineData("11/12/2026", "is not a time")]
    [InlineData("2026-13-40", "is not a time")]
    [InlineData("-5y", "is not a time")]
    public void Bad_times_name_the_value(string text, string reason)
    {
        var error = Assert.Throws<FormatException>(() => TimeExpression.Parse(text, Now, "--since"));

        Assert.Contains($"--since '{text}'", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }
}
