using PortWarden.Agent;
using PortWarden.Agent.Wire;

namespace PortWarden.Hub.Embedded;

/// <summary>The hub's own agent talks to the hub in-process: the same gateway the HTTP API uses, without the network.</summary>
public sealed class LocalHubConnection(AgentGateway gateway, long agentId) : IHubConnection
{
    public async Task<IReadOnlyList<TrackerAssignment>> GetTrackersAsync(CancellationToken cancellationToken)
    {
        // A remote agent is marked seen by every authenticated request; this one is marked here, so it shows as online.
        await gateway.TouchAsync(agentId, cancellationToken).ConfigureAwait(false);
        return await gateway.TrackersAsync(agentId, cancellationToken).ConfigureAwait(false);
    }

    public async Task<UploadReceipt> SubmitPollAsync(PollUpload upload, CancellationToken cancellationToken)
    {
        try
        {
            return await gateway.SubmitPollAsync(agentId, upload, cancellationToken).ConfigureAwait(false);
        }
        catch (Ingestion.IngestionException error)
        {
            throw new HubRejectedException(error.Status, error.Message);
        }
        catch (Core.Tracking.StoreException error)
        {
            throw new HubUnavailableException(error.Message, error);
        }
    }

    public Task<ShardAssignment?> LeaseShardAsync(CancellationToken cancellationToken) => gateway.LeaseShardAsync(agentId, cancellationToken);

    public Task<bool> RenewShardAsync(long shardId, CancellationToken cancellationToken) => gateway.RenewShardAsync(agentId, shardId, cancellationToken);

    public Task ReportProgressAsync(PollProgressReport report, CancellationToken cancellationToken) => gateway.ReportProgressAsync(agentId, report, cancellationToken);
}
