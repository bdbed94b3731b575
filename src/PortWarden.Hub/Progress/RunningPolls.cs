using System.Collections.Concurrent;
using PortWarden.Agent.Wire;

namespace PortWarden.Hub.Progress;

/// <summary>One running poll (or shard) as its agent last reported it.</summary>
public sealed record RunningPoll(Guid PollId, long? ShardId, long TrackerId, long AgentId, DateTimeOffset StartedAt, long Completed, long Total, DateTimeOffset UpdatedAt);

/// <summary>
/// The polls agents are running now and how far each has got, kept in memory only: progress is for watching,
/// and a hub that restarts simply learns it again from the next reports. An entry ends when its agent reports
/// the scan finished, when the poll is recorded, or when its agent has been silent for <see cref="Silence"/>.
/// </summary>
public sealed class RunningPolls(TimeProvider time)
{
    public static readonly TimeSpan Silence = TimeSpan.FromMinutes(2);

    private readonly ConcurrentDictionary<(Guid PollId, long? ShardId), RunningPoll> polls = new();

    /// <summary>True when this agent has reported this poll before (its right to it was checked then).</summary>
    public bool IsReportedBy(Guid pollId, long? shardId, long agentId) =>
        polls.TryGetValue((pollId, shardId), out var known) && known.AgentId == agentId;

    public void Report(long agentId, PollProgressReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var key = (report.PollId, report.ShardId);
        if (report.Finished)
        {
            polls.TryRemove(key, out _);
            return;
        }

        polls[key] = new RunningPoll(
            report.PollId, report.ShardId, report.TrackerId, agentId, report.StartedAt, Math.Max(0, report.Completed), Math.Max(0, report.Total), time.GetUtcNow());
    }

    /// <summary>The poll was recorded: it runs no more.</summary>
    public void Recorded(Guid pollId, long? shardId)
    {
        polls.TryRemove((pollId, shardId), out _);
    }

    /// <summary>Every poll still running, oldest first; entries whose agent went silent are dropped.</summary>
    public IReadOnlyList<RunningPoll> Snapshot()
    {
        var cutoff = time.GetUtcNow() - Silence;
        foreach (var stale in polls.Where(pair => pair.Value.UpdatedAt < cutoff).ToList())
        {
            polls.TryRemove(stale);
        }

        return [.. polls.Values.OrderBy(p => p.StartedAt).ThenBy(p => p.ShardId)];
    }
}
