using System.Diagnostics;
using PortWarden.Agent.Wire;
using PortWarden.Core.Fleet;
using PortWarden.Core.Scanning;
using PortWarden.Core.Tracking;

namespace PortWarden.Hub.Ingestion;

/// <summary>
/// Records what agents report. An upload is checked completely (the tracker exists, the agent is assigned
/// to its device, every field reads) before anything is written; then, holding the device's poll lease,
/// the hub diffs it against the baseline and records it in one transaction. Changes are dated when the agent
/// observed them, not when they arrive. The poll id, scoped to the agent, makes a repeated upload a no-op. A
/// shard's upload records its hosts' changes; the last shard completes the poll, partial if any shard failed.
/// </summary>
public sealed class PollIngestion(IPortWardenStore store, TimeProvider time, HubMetrics metrics, Alerts.PollAlerts alerts, UploadValidation validation)
{
    private static readonly TimeSpan LockWait = TimeSpan.FromMinutes(2);

    public async Task<UploadReceipt> IngestAsync(long agentId, PollUpload upload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        var clock = Stopwatch.StartNew();
        var tracker = await store.GetTrackerAsync(upload.TrackerId, cancellationToken).ConfigureAwait(false)
            ?? throw new IngestionException(404, "trackerId", $"there is no tracker {upload.TrackerId}");
        var device = (await store.GetDeviceAsync(tracker.DeviceId, cancellationToken).ConfigureAwait(false))!;
        if (!device.AgentIds.Contains(agentId))
        {
            throw new IngestionException(403, "trackerId", $"this agent is not assigned to device '{device.Name}'");
        }

        await validation.CheckAsync(upload, tracker, device, cancellationToken).ConfigureAwait(false);

        var pollId = upload.PollId;
        if (upload.ShardId is null)
        {
            if (await StoredPollIdAsync(agentId, upload.PollId, cancellationToken).ConfigureAwait(false) is not { } fresh)
            {
                metrics.Ingested("duplicate", [], clock.Elapsed);
                return new UploadReceipt(false, "duplicate");
            }

            pollId = fresh;
        }

        List<ScanRecord> records;
        (Core.Ports.PortSet Tcp, Core.Ports.PortSet Udp) ports;
        try
        {
            ports = UploadRecords.RequestedPorts(upload);
            records = UploadRecords.ToRecords(upload).ToList();
        }
        catch (UploadException error)
        {
            throw new IngestionException(400, error.Field, error.Message);
        }

        await using var held = await DeviceLock.AcquireAsync(store, device, DeviceLock.NewOwner(), time, LockWait, null, cancellationToken).ConfigureAwait(false);
        var baseline = await store.LoadBaselineAsync(device, cancellationToken).ConfigureAwait(false);
        var windows = await store.ListChangeWindowsAsync(device.Id, cancellationToken).ConfigureAwait(false);
        // The agent saw these hosts by the end of its scan; delivery may be much later (an outbox replayed after an outage).
        var context = new PollContext(pollId, tracker.Id, upload.StartedAt, ports.Tcp, ports.Udp, time) { ObservedAt = upload.FinishedAt };
        var diff = new PollDiff(baseline, context, tracker.Policy, new ChangeClassifier(windows));
        records.ForEach(diff.Add);
        var result = diff.Finish(upload.FinishedAt, upload.Engine, upload.Error);
        result = result with { Poll = result.Poll with { AgentId = upload.ShardId is null ? agentId : null } };

        if (upload.ShardId is not { } shardId)
        {
            var recorded = await store.RecordPollAsync(result, cancellationToken).ConfigureAwait(false);
            if (recorded)
            {
                await alerts.RaiseAsync(device, result.Poll, result.Events, cancellationToken).ConfigureAwait(false);
            }

            metrics.Ingested(recorded ? "recorded" : "duplicate", recorded ? result.Events : [], clock.Elapsed);
            return new UploadReceipt(recorded, recorded ? "recorded" : "duplicate");
        }

        var shard = result with { Events = result.ChangeEvents.ToList() };
        var outcome = await store.RecordShardAsync(shardId, agentId, shard, cancellationToken).ConfigureAwait(false);
        if (outcome == ShardRecording.NotLeased)
        {
            throw new IngestionException(409, "shardId", $"shard {shardId} is not leased to this agent (its lease expired and another agent took it)");
        }

        var completion = await CompleteIfLastShardAsync(tracker, device, upload, cancellationToken).ConfigureAwait(false);
        metrics.Ingested(outcome == ShardRecording.Recorded ? "shard" : "duplicate", outcome == ShardRecording.Recorded ? shard.Events.Concat(completion) : completion, clock.Elapsed);
        return new UploadReceipt(outcome == ShardRecording.Recorded, outcome == ShardRecording.Recorded ? "recorded" : "duplicate");
    }

    /// <summary>
    /// The id to record an agent's poll under, or null when this agent's poll was recorded already. Poll ids are the
    /// agents' own, unique per agent: another agent's poll with the same id is recorded under an id derived from both.
    /// </summary>
    private async Task<Guid?> StoredPollIdAsync(long agentId, Guid pollId, CancellationToken cancellationToken)
    {
        var existing = await store.GetPollAsync(pollId, cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            return pollId;
        }

        // Polls recorded before agents were stored with them count as this agent's.
        if (existing.AgentId is null || existing.AgentId == agentId)
        {
            return null;
        }

        var derived = AgentPollId.Derive(agentId, pollId);
        return await store.GetPollAsync(derived, cancellationToken).ConfigureAwait(false) is null ? derived : null;
    }

    /// <summary>Completes a sharded poll once all its shards are in (the caller holds the device's lease).</summary>
    private async Task<IReadOnlyList<TrackEvent>> CompleteIfLastShardAsync(Tracker tracker, Device device, PollUpload upload, CancellationToken cancellationToken)
    {
        if (await store.ShardTotalsIfCompleteAsync(upload.PollId, cancellationToken).ConfigureAwait(false) is not { } totals)
        {
            return [];
        }

        var started = (await store.GetPollAsync(upload.PollId, cancellationToken).ConfigureAwait(false))?.StartedAt ?? upload.StartedAt;
        var now = time.GetUtcNow();
        var failures = await store.ListShardFailuresAsync(upload.PollId, cancellationToken).ConfigureAwait(false);
        var error = failures.Count == 0 ? null : ShardFailureText.Describe(failures);
        var outcome = PollOutcomeNames.Of(totals.HostsScanned, false, error);
        var poll = new PollRecord(upload.PollId, device.Id, tracker.Id, upload.Engine, started, now, totals, error)
        {
            Outcome = outcome,
            Note = outcome == PollOutcome.Failed ? "nothing was decided: the baseline is unchanged"
                : failures.Count > 0 ? "the hosts the failed shards did not finish were not scanned in this poll: they keep their baseline state" : null,
        };
        var events = new List<TrackEvent>();
        if (tracker.Policy.SendBaselineEvents && poll.Decided)
        {
            events.Add(PollEvents.Baseline(device, poll.Id, await store.LoadBaselineAsync(device, cancellationToken).ConfigureAwait(false), now, now));
        }

        events.Add(PollEvents.PollCompleted(device, poll, now));
        if (!await store.CompleteShardedPollAsync(poll, events, cancellationToken).ConfigureAwait(false))
        {
            return [];
        }

        await alerts.RaiseCompletedShardedPollAsync(device, poll, cancellationToken).ConfigureAwait(false);
        return events;
    }
}
