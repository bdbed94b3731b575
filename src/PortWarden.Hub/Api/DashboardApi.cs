using PortWarden.Core.Tracking;
using PortWarden.Hub.Progress;
using PortWarden.Scanning;

namespace PortWarden.Hub.Api;

/// <summary>An agent with what the dashboard says about it: online, offline, never seen or revoked.</summary>
public sealed record AgentStatusView(long Id, string Name, string? HostName, string Status, DateTimeOffset EnrolledAt, DateTimeOffset? LastSeenAt, DateTimeOffset? RevokedAt, string? Version)
{
    /// <summary>An agent asks for its trackers at least every 30 s by default: silent for longer than this, it is offline.</summary>
    public static readonly TimeSpan OnlineWithin = TimeSpan.FromMinutes(2);

    public static AgentStatusView Of(Core.Fleet.Agent agent, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(agent);
        var status = agent.RevokedAt is not null ? "revoked"
            : agent.LastSeenAt is not { } seen ? "never seen"
            : now - seen <= OnlineWithin ? "online"
            : "offline";
        return new(agent.Id, agent.Name, agent.HostName, status, agent.EnrolledAt, agent.LastSeenAt, agent.RevokedAt, agent.Version);
    }
}

/// <summary>A device on the overview: its totals, last poll, agents and recent changes.</summary>
public sealed record OverviewDeviceView(
    DeviceView Device, int HostsUp, long OpenPorts, int Polls, PollView? LastPoll, IReadOnlyList<AgentStatusView> Agents, int UnplannedLast24h, int PlannedLast24h);

/// <summary>Everything the overview page shows at once.</summary>
public sealed record OverviewView(
    DateTimeOffset GeneratedAt, IReadOnlyList<OverviewDeviceView> Devices, IReadOnlyList<AgentStatusView> Agents, IReadOnlyList<TrackEvent> RecentChanges,
    int UnplannedLast24h, int PlannedLast24h);

/// <summary>A running poll (or shard) with its progress, for live progress bars.</summary>
public sealed record RunningPollView(
    Guid PollId, long? ShardId, long TrackerId, string? Tracker, long? DeviceId, long AgentId, DateTimeOffset StartedAt, long Completed, long Total,
    double? Percent, DateTimeOffset UpdatedAt);

/// <summary>The views the dashboard needs beyond the resource APIs: overview, timeline, running polls, engines.</summary>
public static class DashboardApi
{
    public const int RecentChanges = 10;

    public static void Map(RouteGroupBuilder api)
    {
        var dashboard = api.MapGroup("").WithTags("Dashboard");
        dashboard.MapGet("/overview", (IPortWardenStore store, TimeProvider time, CancellationToken cancellationToken) =>
            OverviewAsync(store, time.GetUtcNow(), cancellationToken));

        dashboard.MapGet("/timeline", async (long? device, int? hours, IPortWardenStore store, TimeProvider time, CancellationToken cancellationToken) =>
        {
            if (hours is < 1 or > Timeline.MaxHours)
            {
                var validation = new Validation();
                validation.Add("hours", $"must be between 1 and {Timeline.MaxHours}");
                return validation.Problem();
            }

            if (device is { } id && await store.GetDeviceAsync(id, cancellationToken).ConfigureAwait(false) is null)
            {
                return DevicesApi.NotFound("device", id);
            }

            return Results.Ok(await Timeline.BuildAsync(store, device, hours ?? 24, time.GetUtcNow(), cancellationToken).ConfigureAwait(false));
        });

        dashboard.MapGet("/polls/running", async (RunningPolls running, IPortWardenStore store, CancellationToken cancellationToken) =>
        {
            var views = new List<RunningPollView>();
            foreach (var poll in running.Snapshot())
            {
                var tracker = await store.GetTrackerAsync(poll.TrackerId, cancellationToken).ConfigureAwait(false);
                double? percent = poll.Total > 0 ? Math.Round(100.0 * Math.Min(poll.Completed, poll.Total) / poll.Total, 1) : null;
                views.Add(new RunningPollView(
                    poll.PollId, poll.ShardId, poll.TrackerId, tracker?.Name, tracker?.DeviceId, poll.AgentId, poll.StartedAt, poll.Completed, poll.Total, percent, poll.UpdatedAt));
            }

            return views;
        });

        dashboard.MapGet("/engines", () => ScanEngines.Names);
    }

    private static async Task<OverviewView> OverviewAsync(IPortWardenStore store, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var agents = (await store.ListAgentsAsync(cancellationToken).ConfigureAwait(false)).Select(a => AgentStatusView.Of(a, now)).ToList();
        var byId = agents.ToDictionary(a => a.Id);
        var changes = Timeline.ChangeTypes;
        var counts = new Dictionary<(long Device, Classification Class), int>();
        await foreach (var e in store.QueryEventsAsync(new EventQuery { Since = now.AddHours(-24), Types = changes }, cancellationToken).ConfigureAwait(false))
        {
            if (e.Classification is { } classification)
            {
                counts[(e.DeviceId, classification)] = counts.GetValueOrDefault((e.DeviceId, classification)) + 1;
            }
        }

        var devices = (await store.ListDevicesAsync(cancellationToken).ConfigureAwait(false)).Select(s => new OverviewDeviceView(
            DeviceView.Of(s.Device), s.HostsUp, s.OpenPorts, s.Polls, s.LastPoll is null ? null : PollView.Of(s.LastPoll),
            [.. s.Device.AgentIds.Where(byId.ContainsKey).Select(id => byId[id])],
            counts.GetValueOrDefault((s.Device.Id, Classification.Unplanned)), counts.GetValueOrDefault((s.Device.Id, Classification.Planned)))).ToList();
        var recent = await store.QueryEventsAsync(new EventQuery { Types = changes, NewestFirst = true, Limit = RecentChanges }, cancellationToken)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return new OverviewView(
            now, devices, agents, recent, devices.Sum(d => d.UnplannedLast24h), devices.Sum(d => d.PlannedLast24h));
    }
}
