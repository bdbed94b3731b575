using PortWarden.Core.Tracking;

namespace PortWarden.Hub.Api;

/// <summary>One interval of the timeline: open ports at its end and the changes within it.</summary>
public sealed record TimelinePoint(DateTimeOffset Start, DateTimeOffset End, long? OpenPorts, int Unplanned, int Planned);

/// <summary>Open ports and changes over time, for the dashboard's chart.</summary>
public sealed record TimelineView(long? DeviceId, DateTimeOffset From, DateTimeOffset To, int BucketMinutes, IReadOnlyList<TimelinePoint> Points);

/// <summary>
/// Builds the timeline from what is stored: the open-port count of each tracker's latest successful poll
/// finished by the end of each interval (summed over trackers, so trackers that overlap count a port twice),
/// and the planned and unplanned change events in each interval.
/// </summary>
public static class Timeline
{
    public const int MaxHours = 24 * 90;

    /// <summary>How many polls of each device are read back; older ones only matter for the first intervals of long ranges.</summary>
    private const int PollsPerDevice = 2000;

    public static IReadOnlyList<EventType> ChangeTypes { get; } = [.. Enum.GetValues<EventType>().Where(t => t.IsChange())];

    public static async Task<TimelineView> BuildAsync(IPortWardenStore store, long? deviceId, int hours, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var bucket = TimeSpan.FromHours(hours <= 48 ? 1 : hours <= 24 * 7 ? 4 : hours <= 24 * 30 ? 12 : 24);
        var from = now - TimeSpan.FromHours(hours);
        var count = (int)Math.Ceiling((now - from) / bucket);
        var starts = Enumerable.Range(0, count).Select(i => from + (i * bucket)).ToList();

        var deviceIds = deviceId is { } one ? [one] : (await store.ListDevicesAsync(cancellationToken).ConfigureAwait(false)).Select(d => d.Device.Id).ToList();
        var finished = new List<(DateTimeOffset At, long Tracker, long Open)>();
        foreach (var id in deviceIds)
        {
            foreach (var poll in await store.ListPollsAsync(id, PollsPerDevice, cancellationToken).ConfigureAwait(false))
            {
                if (!poll.Running && poll.Error is null)
                {
                    finished.Add((poll.FinishedAt, poll.TrackerId ?? -id, poll.Counts.Open));
                }
            }
        }

        finished.Sort((a, b) => a.At.CompareTo(b.At));
        var unplanned = new int[count];
        var planned = new int[count];
        await foreach (var e in store.QueryEventsAsync(new EventQuery { DeviceId = deviceId, Since = from, Types = [.. ChangeTypes] }, cancellationToken).ConfigureAwait(false))
        {
            var index = Math.Clamp((int)((e.OccurredAt - from) / bucket), 0, count - 1);
            if (e.Classification == Classification.Planned)
            {
                planned[index]++;
            }
            else
            {
                unplanned[index]++;
            }
        }

        var latest = new Dictionary<long, long>();
        var next = 0;
        var points = new List<TimelinePoint>(count);
        for (var i = 0; i < count; i++)
        {
            var end = i == count - 1 ? now : starts[i] + bucket;
            while (next < finished.Count && finished[next].At <= end)
            {
                latest[finished[next].Tracker] = finished[next].Open;
                next++;
            }

            points.Add(new TimelinePoint(starts[i], end, latest.Count == 0 ? null : latest.Values.Sum(), unplanned[i], planned[i]));
        }

        return new TimelineView(deviceId, from, now, (int)bucket.TotalMinutes, points);
    }
}
