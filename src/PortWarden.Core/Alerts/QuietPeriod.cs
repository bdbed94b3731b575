namespace PortWarden.Core.Alerts;

/// <summary>A rule's quiet hours made usable: whether an instant falls inside them, and when that quiet period ends.</summary>
public sealed class QuietPeriod
{
    public const string Defer = "defer";
    public const string Suppress = "suppress";

    private readonly TimeOnly start;
    private readonly TimeOnly end;
    private readonly TimeZoneInfo zone;

    public QuietPeriod(QuietHours hours)
    {
        ArgumentNullException.ThrowIfNull(hours);
        if (!AlertRuleValidation.TryParseTime(hours.Start, out start) || !AlertRuleValidation.TryParseTime(hours.End, out end))
        {
            throw new FormatException($"quiet hours '{hours.Start}-{hours.End}' are not times of day (HH:mm)");
        }

        zone = TryFindZone(hours.TimeZone ?? "UTC", out var found) ? found : throw new FormatException($"unknown time zone '{hours.TimeZone}'");
        Suppresses = hours.Mode == Suppress;
    }

    /// <summary>Messages in quiet hours are dropped (kept as suppressed) rather than deferred.</summary>
    public bool Suppresses { get; }

    /// <summary>When the quiet period that contains <paramref name="instant"/> ends; null when the instant is not quiet.</summary>
    public DateTimeOffset? EndOfQuiet(DateTimeOffset instant)
    {
        if (start == end)
        {
            return null;
        }

        var local = TimeZoneInfo.ConvertTime(instant, zone);
        var time = TimeOnly.FromDateTime(local.DateTime);
        var spansMidnight = end < start;
        var quiet = spansMidnight ? time >= start || time < end : time >= start && time < end;
        if (!quiet)
        {
            return null;
        }

        var endDate = DateOnly.FromDateTime(local.DateTime);
        if (spansMidnight && time >= start)
        {
            endDate = endDate.AddDays(1);
        }

        var endLocal = endDate.ToDateTime(end);

        // A wall-clock end inside a DST gap does not exist: the quiet period ends when the clocks jump past it.
        while (zone.IsInvalidTime(endLocal))
        {
            endLocal = endLocal.AddMinutes(1);
        }

        return new DateTimeOffset(endLocal, zone.GetUtcOffset(endLocal)).ToUniversalTime();
    }

    public static bool TryFindZone(string id, out TimeZoneInfo zone)
    {
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(id);
            return true;
        }
        catch (Exception error) when (error is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            zone = TimeZoneInfo.Utc;
            return false;
        }
    }
}
