using PortWarden.Agent.Wire;

namespace PortWarden.Agent.Scheduling;

/// <summary>
/// Decides when a tracker is due: once at agent start (if its schedule says so), on its interval or cron
/// after its last run, and once for every "run now" request. Remembers last runs in <see cref="AgentState"/>
/// so a restarted agent keeps its cadence and does not repeat a request.
/// </summary>
public sealed class TrackerClock(AgentState state, DateTimeOffset agentStarted)
{
    private readonly HashSet<long> ranSinceStart = [];

    public bool IsDue(TrackerAssignment tracker, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(tracker);
        var record = state.Tracker(tracker.TrackerId);
        var due = new DueState(agentStarted, record.LastRun, ranSinceStart.Contains(tracker.TrackerId), tracker.RunRequestedAt, record.LastRequestServed);
        return ScheduleCalendar.IsDue(ScheduleCalendar.Parse(tracker.Schedule), due, now);
    }

    /// <summary>Notes that an interrupted run of the tracker is being finished: it counts as the run at agent start.</summary>
    public void Resumed(TrackerAssignment tracker)
    {
        ArgumentNullException.ThrowIfNull(tracker);
        ranSinceStart.Add(tracker.TrackerId);
    }

    /// <summary>Notes that the tracker started a run now, serving any pending request.</summary>
    public void Started(TrackerAssignment tracker, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(tracker);
        ranSinceStart.Add(tracker.TrackerId);
        var record = state.Tracker(tracker.TrackerId);
        state.Save(tracker.TrackerId, record with
        {
            LastRun = now,
            LastRequestServed = tracker.RunRequestedAt > (record.LastRequestServed ?? DateTimeOffset.MinValue) ? tracker.RunRequestedAt : record.LastRequestServed,
        });
    }
}
