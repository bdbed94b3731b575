using PortWarden.Core.Fleet;
using PortWarden.Core.Ports;

namespace PortWarden.Core.Tracking;

/// <summary>Devices and their trackers.</summary>
public interface IDeviceStore
{
    Task<Device?> FindDeviceAsync(string name, CancellationToken cancellationToken);

    Task<Device?> GetDeviceAsync(long id, CancellationToken cancellationToken);

    /// <summary>Assigns the agents that run the device's trackers (replacing the previous assignment).</summary>
    Task SetDeviceAgentsAsync(long deviceId, IReadOnlyList<long> agentIds, CancellationToken cancellationToken);

    /// <summary>Creates the device, or updates the kind and targets of the device with that name.</summary>
    Task<Device> SaveDeviceAsync(string name, DeviceKind kind, string targets, CancellationToken cancellationToken);

    Task<IReadOnlyList<DeviceSummary>> ListDevicesAsync(CancellationToken cancellationToken);

    /// <summary>Creates the tracker, or updates the device's tracker with that name.</summary>
    Task<Tracker> SaveTrackerAsync(Tracker tracker, CancellationToken cancellationToken);

    Task<IReadOnlyList<Tracker>> ListTrackersAsync(long deviceId, CancellationToken cancellationToken);

    Task<Tracker?> GetTrackerAsync(long id, CancellationToken cancellationToken);

    /// <summary>Every tracker that is not deleted.</summary>
    Task<IReadOnlyList<Tracker>> ListAllTrackersAsync(CancellationToken cancellationToken);

    /// <summary>The enabled trackers of the devices an agent is assigned to, with their devices.</summary>
    Task<IReadOnlyList<(Tracker Tracker, Device Device)>> ListTrackersForAgentAsync(long agentId, CancellationToken cancellationToken);

    /// <summary>Deletes a tracker (its polls and events stay). False when there is no such tracker.</summary>
    Task<bool> DeleteTrackerAsync(long id, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Sets the device's expected open ports (an allow-list in nmap syntax), or clears it with null. False when there is no such device.</summary>
    Task<bool> SetExpectedPortsAsync(long deviceId, string? ports, CancellationToken cancellationToken);

    /// <summary>Asks for one run of the tracker as soon as its agent sees it. False when there is no such tracker.</summary>
    Task<bool> RequestRunAsync(long trackerId, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>Baselines and polls: what a poll reads before it starts and writes, in one transaction, when it ends.</summary>
public interface IPollStore
{
    Task<DeviceBaseline> LoadBaselineAsync(Device device, CancellationToken cancellationToken);

    /// <summary>
    /// Records a poll, its baseline changes and its events atomically: all of it or nothing. Returns false,
    /// recording nothing, when a poll with the same id was recorded before (uploads are retried).
    /// </summary>
    Task<bool> RecordPollAsync(PollResult result, CancellationToken cancellationToken);

    Task<PollRecord?> GetPollAsync(Guid id, CancellationToken cancellationToken);

    Task<IReadOnlyList<PollRecord>> ListPollsAsync(long deviceId, int limit, CancellationToken cancellationToken);

    Task<DeviceLease?> ReadLeaseAsync(long deviceId, CancellationToken cancellationToken);

    /// <summary>
    /// Takes the device's poll lease for <paramref name="owner"/> until <paramref name="until"/> if it is free,
    /// expired, already theirs, or held by <paramref name="takeOverFrom"/> (an owner known to be dead).
    /// </summary>
    Task<bool> TryAcquireLeaseAsync(long deviceId, string owner, DateTimeOffset now, DateTimeOffset until, string? takeOverFrom, CancellationToken cancellationToken);

    Task ReleaseLeaseAsync(long deviceId, string owner, CancellationToken cancellationToken);
}

/// <summary>The append-only event log.</summary>
public interface IEventStore
{
    /// <summary>Events matching the query in log order, streamed (never loaded whole).</summary>
    IAsyncEnumerable<TrackEvent> QueryEventsAsync(EventQuery query, CancellationToken cancellationToken);
}

/// <summary>Planned-change windows.</summary>
public interface IChangeWindowStore
{
    /// <summary>Stores a new window (its Id is assigned) and returns it.</summary>
    Task<ChangeWindow> AddChangeWindowAsync(ChangeWindow window, CancellationToken cancellationToken);

    /// <summary>Windows for a device (including those for all devices), or every window when <paramref name="deviceId"/> is null.</summary>
    Task<IReadOnlyList<ChangeWindow>> ListChangeWindowsAsync(long? deviceId, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces a window's device, hosts, ports, times, reference and description (found by its Id); events it
    /// classified before keep their stamp. False when there is no such window (or it was withdrawn).
    /// </summary>
    Task<bool> UpdateChangeWindowAsync(ChangeWindow window, CancellationToken cancellationToken);

    /// <summary>Withdraws a window; events it classified keep their stamp. False when there is no such window.</summary>
    Task<bool> RemoveChangeWindowAsync(long id, CancellationToken cancellationToken);
}

/// <summary>
/// Sharded network polls: a poll split into address blocks that agents lease, scan and report one by one;
/// the poll completes when every shard is in. Leases expire, so a shard whose agent died goes to another.
/// </summary>
public interface IShardStore
{
    /// <summary>
    /// Creates the poll (running) and one pending shard per target block; false, creating nothing, when the
    /// tracker already has a running poll (another hub started it first).
    /// </summary>
    Task<bool> StartShardedPollAsync(Guid pollId, Tracker tracker, string engine, DateTimeOffset startedAt, IReadOnlyList<string> blocks, CancellationToken cancellationToken);

    /// <summary>Leases the oldest pending or expired shard of a device the agent is assigned to, or null.</summary>
    Task<ShardJob?> LeaseShardAsync(long agentId, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Extends a lease the agent still holds; false when it lost it.</summary>
    Task<bool> RenewShardAsync(long shardId, long agentId, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>Records one shard's baseline changes and change events atomically, if the agent still holds it.</summary>
    Task<ShardRecording> RecordShardAsync(long shardId, long agentId, PollResult shard, CancellationToken cancellationToken);

    /// <summary>The summed counts of a running sharded poll once every shard is in; null while shards are outstanding.</summary>
    Task<PollCounts?> ShardTotalsIfCompleteAsync(Guid pollId, CancellationToken cancellationToken);

    /// <summary>Marks a running sharded poll completed with its final record and events (poll-completed); false if it already was.</summary>
    Task<bool> CompleteShardedPollAsync(PollRecord poll, IReadOnlyList<TrackEvent> events, CancellationToken cancellationToken);

    /// <summary>The shards of a poll that reported an error, in order: their hosts were not (all) decided.</summary>
    Task<IReadOnlyList<ShardFailure>> ListShardFailuresAsync(Guid pollId, CancellationToken cancellationToken);

    /// <summary>When each tracker last started a poll (for hub-side scheduling of sharded trackers).</summary>
    Task<IReadOnlyDictionary<long, DateTimeOffset>> LastPollStartsAsync(CancellationToken cancellationToken);

    /// <summary>True while a sharded poll of the tracker is running.</summary>
    Task<bool> HasRunningPollAsync(long trackerId, CancellationToken cancellationToken);

    /// <summary>The poll, tracker and address block of a shard, or null when there is no such shard.</summary>
    Task<ShardBlock?> GetShardBlockAsync(long shardId, CancellationToken cancellationToken);
}

/// <summary>Everything PortWarden keeps. Implementations: SQLite (embedded default), PostgreSQL (scale-out).</summary>
public interface IPortWardenStore : IDeviceStore, IPollStore, IEventStore, IChangeWindowStore, IFleetStore, IShardStore, Alerts.IAlertStore, Users.IUserStore, IAsyncDisposable
{
    /// <summary>Where the data lives, for messages (a path or a server).</summary>
    string Location { get; }
}

/// <summary>A device with its current totals, for listings.</summary>
public sealed record DeviceSummary(Device Device, int HostsUp, long OpenPorts, int Polls, PollRecord? LastPoll);

/// <summary>A shard of a sharded poll that reported an error: its number, its targets and the error.</summary>
public sealed record ShardFailure(int Sequence, string Targets, string Error);

/// <summary>Who holds a device's poll lease, and until when.</summary>
public sealed record DeviceLease(string Owner, DateTimeOffset Until);

/// <summary>A filter over the event log; all conditions must hold.</summary>
public sealed record EventQuery
{
    public long? DeviceId { get; init; }

    public DateTimeOffset? Since { get; init; }

    public DateTimeOffset? Until { get; init; }

    public IReadOnlyCollection<EventType>? Types { get; init; }

    public Classification? Classification { get; init; }

    public string? Host { get; init; }

    public PortKey? Port { get; init; }

    /// <summary>Only events after this sequence number (a paging cursor).</summary>
    public long? AfterSequence { get; init; }

    /// <summary>Only events before this sequence number (the paging cursor of a newest-first listing).</summary>
    public long? BeforeSequence { get; init; }

    /// <summary>Only events that this planned-change window made planned.</summary>
    public long? WindowId { get; init; }

    /// <summary>Newest first (descending sequence) instead of log order.</summary>
    public bool NewestFirst { get; init; }

    public int? Limit { get; init; }
}

/// <summary>The store could not be opened or used; the message names it and says why.</summary>
public sealed class StoreException(string message, Exception? inner = null) : Exception(message, inner);
