using PortWarden.Agent.Wire;
using PortWarden.Core.Tracking;
using PortWarden.Hub.Ingestion;
using PortWarden.Hub.Progress;

namespace PortWarden.Hub;

/// <summary>
/// What an agent may do, for one agent: read its own trackers, lease and renew shards of its devices, and
/// report polls of its devices. Used by the HTTP API for remote agents and directly by the hub's own agent.
/// </summary>
public sealed class AgentGateway(IPortWardenStore store, PollIngestion ingestion, TimeProvider time, HubOptions options, RunningPolls running)
{
    public async Task<IReadOnlyList<TrackerAssignment>> TrackersAsync(long agentId, CancellationToken cancellationToken) =>
        (await store.ListTrackersForAgentAsync(agentId, cancellationToken).ConfigureAwait(false))
            .Select(pair => Assignment(pair.Tracker, pair.Device))
            .ToList();

    public async Task<ShardAssignment?> LeaseShardAsync(long agentId, CancellationToken cancellationToken)
    {
        var job = await store.LeaseShardAsync(agentId, time.GetUtcNow(), options.ShardLease, cancellationToken).ConfigureAwait(false);
        if (job is null)
        {
            return null;
        }

        var tracker = await store.GetTrackerAsync(job.TrackerId, cancellationToken).ConfigureAwait(false);
        var device = await store.GetDeviceAsync(job.DeviceId, cancellationToken).ConfigureAwait(false);
        return tracker is null || device is null ? null : new ShardAssignment(job.ShardId, job.PollId, Assignment(tracker, device), job.Targets, job.LeaseUntil);
    }

    public Task<bool> RenewShardAsync(long agentId, long shardId, CancellationToken cancellationToken) =>
        store.RenewShardAsync(shardId, agentId, time.GetUtcNow() + options.ShardLease, cancellationToken);

    public async Task<UploadReceipt> SubmitPollAsync(long agentId, PollUpload upload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        var receipt = await ingestion.IngestAsync(agentId, upload, cancellationToken).ConfigureAwait(false);
        running.Recorded(upload.PollId, upload.ShardId);
        return receipt;
    }

    /// <summary>Takes a running poll's progress, if the tracker is one of the agent's; false (ignored) otherwise.</summary>
    public async Task<bool> ReportProgressAsync(long agentId, PollProgressReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (!running.IsReportedBy(report.PollId, report.ShardId, agentId)
            && !(await store.ListTrackersForAgentAsync(agentId, cancellationToken).ConfigureAwait(false)).Any(pair => pair.Tracker.Id == report.TrackerId))
        {
            return false;
        }

        running.Report(agentId, report);
        return true;
    }

    /// <summary>Marks the agent seen (the hub's own agent, which does not come through HTTP authentication).</summary>
    public Task TouchAsync(long agentId, CancellationToken cancellationToken) =>
        store.TouchAgentAsync(agentId, time.GetUtcNow(), typeof(AgentGateway).Assembly.GetName().Version?.ToString(), cancellationToken);

    private static TrackerAssignment Assignment(Tracker tracker, Device device) => new(
        tracker.Id, tracker.Name, device.Id, device.Name, device.Targets, tracker.Mode.ToWireName(), tracker.Ports, tracker.ExcludePorts,
        tracker.Engine, tracker.Schedule, tracker.ShardSize, tracker.OptionsJson, tracker.RunRequestedAt);
}
