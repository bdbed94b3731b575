using PortWarden.Agent.Wire;

namespace PortWarden.Agent;

/// <summary>How an agent talks to its hub: over HTTP for remote agents, directly for the hub's own in-process agent.</summary>
public interface IHubConnection
{
    /// <summary>The enabled trackers of the devices this agent is assigned to.</summary>
    Task<IReadOnlyList<TrackerAssignment>> GetTrackersAsync(CancellationToken cancellationToken);

    /// <summary>Delivers one poll; delivering the same poll again records nothing twice.</summary>
    Task<UploadReceipt> SubmitPollAsync(PollUpload upload, CancellationToken cancellationToken);

    /// <summary>Leases a shard of a sharded network poll, or null when none is waiting.</summary>
    Task<ShardAssignment?> LeaseShardAsync(CancellationToken cancellationToken);

    /// <summary>Extends a shard lease; false when the agent lost it.</summary>
    Task<bool> RenewShardAsync(long shardId, CancellationToken cancellationToken);

    /// <summary>Tells the hub how far a running poll has got (for live progress in the dashboard); best effort.</summary>
    Task ReportProgressAsync(PollProgressReport report, CancellationToken cancellationToken);
}

/// <summary>The hub could not be reached or failed: try again later.</summary>
public sealed class HubUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The hub refused a request for good (bad data, not allowed): retrying will not help.</summary>
public sealed class HubRejectedException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}
