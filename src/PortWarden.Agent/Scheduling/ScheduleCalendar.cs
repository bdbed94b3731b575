using Cronos;
using PortWarden.Core.Tracking;

namespace PortWarden.Agent.Scheduling;

/// <summary>Tracker schedules with their cron expressions checked (Cronos, five fields, UTC) and their next runs computed.</summary>
public static class ScheduleCalendar
{
    /// <summary>Parses and checks a schedule, throwing <see cref="FormatException"/> that says what is wrong.</summary>
    public static TrackerSchedule Parse(string text)
    {
        var schedule = TrackerSchedule.Parse(text);
        if (schedule.Cron is { } cron)
        {
            Cron(cron);
        }

        return schedule;
    }

    /// <summary>When a repeating schedule runs next after <paramref name="after"/>; null when it does not repeat.</summary>
    public static DateTimeOffset? Next(TrackerSchedule schedule, DateTimeOffset after)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        if (schedule.Every is { } every)
        {
            return after + every;
        }

        return schedule.Cron is { } cron ? Cron(cron).GetNextOccurrence(after, TimeZoneInfo.Utc) : null;
    }

    /// <summary>
    /// True when a tracker should run now: a "run now" request newer than the last one served, the first run
    /// after start for an at-startup schedule, or the next interval/cron time after its last run (or after
    /// start, when it never ran) has come.
    /// </summary>
    public static bool IsDue(TrackerSchedule schedule, DueState state, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(state);
        if (state.RunRequestedAt is { } requested && requested > (state.LastRequestServed ?? DateTimeOffset.MinValue))
        {
            return true;
        }

        if (schedule.AtStartup && !state.RanSinceStart)
        {
            return true;
        }

        return Next(schedule, state.LastRun ?? state.Started) is { } next && now >= next;
    }

    private static CronExpression Cron(string expression)
    {
        try
        {
            return CronExpression.Parse(expression, CronFormat.Standard);
        }
        catch (CronFormatException error)
        {
            throw new FormatException($"cron expression '{expression}' is not valid: {error.Message}", error);
        }
    }
}

/// <summary>What decides whether a tracker is due besides its schedule.</summary>
public sealed record DueState(DateTimeOffset Started, DateTimeOffset? LastRun, bool RanSinceStart, DateTimeOffset? RunRequestedAt, DateTimeOffset? LastRequestServed);
