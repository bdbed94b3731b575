using PortWarden.Core.Tracking;

namespace PortWarden.Core.Tests.Tracking;

public sealed class EventCsvTests
{
    [Theory]
    [InlineData("ssh", "ssh")]
    [InlineData("", "")]
    [InlineData(null, "")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("fe80::1", "fe80::1")]
    public void Fields_are_quoted_as_RFC_4180_says(string? field, string expected) => Assert.Equal(expected, EventCsv.Escape(field));

    [Theory]
    [InlineData("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\"")]
    [InlineData("+1", "'+1")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tcmd", "'\tcmd")]
    [InlineData("\r=1", "\"'\r=1\"")]
    public void Fields_a_spreadsheet_would_run_as_formulas_are_defused(string field, string expected) => Assert.Equal(expected, EventCsv.Escape(field));
}
