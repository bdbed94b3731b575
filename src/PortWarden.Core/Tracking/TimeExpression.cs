using System.Globalization;
using System.Text.RegularExpressions;

namespace PortWarden.Core.Tracking;

/// <summary>
/// Parses the times users type: "now", "today", "yesterday", relative offsets ("-2h", "2h ago", "+30m",
/// "in 1d"; units s, m, h, d, w) and ISO 8601 dates and times ("2026-11-25", "2026-11-25T10:00",
/// "2026-11-25 10:00Z", "2026-11-25T10:00+01:00"; local time when no offset is given).
/// </summary>
public static partial class TimeExpression
{
    public static DateTimeOffset Parse(string text, DateTimeOffset now, string what = "time")
    {
        ArgumentNullException.ThrowIfNull(text);
        var value = text.Trim();
        switch (value.ToUpperInvariant())
        {
            case "NOW":
                return now;
            case "TODAY":
                return new DateTimeOffset(now.ToLocalTime().Date, now.ToLocalTime().Offset);
            case "YESTERDAY":
                return new DateTimeOffset(now.ToLocalTime().Date.AddDays(-1), now.ToLocalTime().Offset);
        }

        var relative = Relative().Match(value);
        if (relative.Success)
        {
            var amount = long.Parse(relative.Groups["amount"].Value, CultureInfo.InvariantCulture);
            var past = relative.Groups["sign"].Value == "-" || relative.Groups["ago"].Success;
            var future = relative.Groups["sign"].Value == "+" || relative.Groups["in"].Success;
            if (past == future)
            {
                throw new FormatException($"{what} '{text}' is ambiguous: write -{value} (ago) or +{value} (from now)");
            }

            var span = relative.Groups["unit"].Value switch
            {
                "s" => TimeSpan.FromSeconds(amount),
                "m" => TimeSpan.FromMinutes(amount),
                "h" => TimeSpan.FromHours(amount),
                "d" => TimeSpan.FromDays(amount),
                _ => TimeSpan.FromDays(7 * amount),
            };
            return past ? now - span : now + span;
        }

        if (IsoDate().IsMatch(value)
            && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal | DateTimeStyles.AllowWhiteSpaces, out var instant))
        {
            return instant;
        }

        throw new FormatException(
            $"{what} '{text}' is not a time: use an ISO 8601 date/time (2026-11-25T10:00, 2026-11-25 10:00Z), now, today, yesterday, or an offset like -2h, +30m, '3d ago'");
    }

    [GeneratedRegex(@"^(?:(?<in>in\s+)|(?<sign>[+-]))?(?<amount>\d{1,9})\s*(?<unit>[smhdw])(?:\s+(?<ago>ago))?$", RegexOptions.CultureInvariant)]
    private static partial Regex Relative();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}", RegexOptions.CultureInvariant)]
    private static partial Regex IsoDate();
}
