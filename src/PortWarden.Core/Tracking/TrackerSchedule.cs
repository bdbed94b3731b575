using System.Globalization;

namespace PortWarden.Core.Tracking;

/// <summary>
/// When a tracker runs: at agent startup, and/or every interval or on a cron expression (five fields, UTC),
/// or only when asked. Canonical text: "none", "startup", "every 300s", "cron */5 * * * *", combined with
/// "; " (e.g. "startup; every 3600s"). The cron expression itself is checked by the scheduler that runs it.
/// </summary>
public sealed record TrackerSchedule(bool AtStartup, TimeSpan? Every, string? Cron)
{
    public static TrackerSchedule None { get; } = new(false, null, null);

    public static TimeSpan ShortestInterval { get; } = TimeSpan.FromSeconds(10);

    public bool Repeats => Every is not null || Cron is not null;

    public static TrackerSchedule Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var atStartup = false;
        TimeSpan? every = null;
        string? cron = null;
        foreach (var part in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (part == "none")
            {
                continue;
            }

            if (part == "startup")
            {
                atStartup = true;
            }
            else if (part.StartsWith("every ", StringComparison.Ordinal) && part.EndsWith('s')
                && long.TryParse(part.AsSpan(6, part.Length - 7), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            {
                every = TimeSpan.FromSeconds(seconds);
            }
            else if (part.StartsWith("cron ", StringComparison.Ordinal) && part.Length > 5)
            {
                cron = part[5..].Trim();
            }
            else
            {
                throw new FormatException($"schedule part '{part}' is not 'startup', 'every <seconds>s', 'cron <expression>' or 'none'");
            }
        }

        var schedule = new TrackerSchedule(atStartup, every, cron);
        schedule.Validate();
        return schedule;
    }

    /// <summary>Throws <see cref="FormatException"/> when the schedule cannot be run.</summary>
    public void Validate()
    {
        if (Every is not null && Cron is not null)
        {
            throw new FormatException("a schedule repeats either every interval or on a cron expression, not both");
        }

        if (Every is { } interval && interval < ShortestInterval)
        {
            throw new FormatException($"the interval {interval.TotalSeconds:0} s is shorter than {ShortestInterval.TotalSeconds:0} s");
        }
    }

    public override string ToString()
    {
        var parts = new List<string>();
        if (AtStartup)
        {
            parts.Add("startup");
        }

        if (Every is { } interval)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"every {(long)interval.TotalSeconds}s"));
        }

        if (Cron is not null)
        {
            parts.Add($"cron {Cron}");
        }

        return parts.Count == 0 ? "none" : string.Join("; ", parts);
    }
}
