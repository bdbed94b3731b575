using PortWarden.Agent.Wire;
using PortWarden.Core.Tracking;

namespace PortWarden.Agent.Checkpoints;

/// <summary>
/// Whether an interrupted poll may still be finished: its tracker must still be assigned to this agent and scan the
/// same way (targets, ports, engine, options — compared with what the poll and its checkpoint recorded), or the
/// finished poll would mix two different scans under one id.
/// </summary>
public static class ResumeCheck
{
    /// <summary>The tracker to finish the poll with, or why the poll must be discarded.</summary>
    public static (TrackerAssignment? Tracker, string? Problem) Check(SavedPoll saved, IReadOnlyList<TrackerAssignment> assigned)
    {
        ArgumentNullException.ThrowIfNull(saved);
        ArgumentNullException.ThrowIfNull(assigned);
        var then = saved.Info.Tracker;
        if (assigned.FirstOrDefault(tracker => tracker.TrackerId == then.TrackerId) is not { } now)
        {
            return (null, $"tracker {then.TrackerId} ('{then.Name}') is no longer assigned to this agent");
        }

        var change = Difference(then, now, sharded: saved.Info.ShardId is not null)
            ?? (Options(saved.Checkpoint.Definition.Options.ToJson()) != Options(now.Options)
                ? $"options {saved.Checkpoint.Definition.Options.ToJson()} are now {Options(now.Options)}"
                : null);
        return change is null ? (now, null) : (null, $"tracker '{now.Name}' changed since the poll started: {change}");
    }

    private static string? Difference(TrackerAssignment then, TrackerAssignment now, bool sharded) =>
        !sharded && then.Targets != now.Targets ? $"targets '{then.Targets}' are now '{now.Targets}'"
        : then.Mode != now.Mode ? $"mode {then.Mode} is now {now.Mode}"
        : then.Ports != now.Ports ? $"ports '{then.Ports}' are now '{now.Ports}'"
        : then.ExcludePorts != now.ExcludePorts ? $"excluded ports '{then.ExcludePorts}' are now '{now.ExcludePorts}'"
        : !string.Equals(then.Engine, now.Engine, StringComparison.OrdinalIgnoreCase) ? $"engine {then.Engine} is now {now.Engine}"
        : null;

    /// <summary>Options in one canonical form, so that spacing or member order is no change; unreadable options never match.</summary>
    private static string Options(string json)
    {
        try
        {
            return TrackerOptions.Parse(json).ToJson();
        }
        catch (System.Text.Json.JsonException)
        {
            return json;
        }
    }
}
