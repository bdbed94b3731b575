namespace PortWarden.Core.Tracking;

/// <summary>The events that close a poll: poll-completed, and the full-state baseline event when a tracker asks for it.</summary>
public static class PollEvents
{
    public static TrackEvent PollCompleted(Device device, PollRecord poll, DateTimeOffset now) =>
        New(EventType.PollCompleted, device, poll.Id, poll.FinishedAt, now) with { Payload = PollPayloads.PollCompleted(poll) };

    public static TrackEvent Baseline(Device device, Guid pollId, DeviceBaseline state, DateTimeOffset occurredAt, DateTimeOffset now) =>
        New(EventType.Baseline, device, pollId, occurredAt, now) with { Payload = PollPayloads.Baseline(state) };

    /// <summary>A new event of a device and poll; ids are version 7 GUIDs, so they sort by time.</summary>
    public static TrackEvent New(EventType type, Device device, Guid pollId, DateTimeOffset occurredAt, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        Type = type,
        DeviceId = device.Id,
        Device = device.Name,
        PollId = pollId,
        OccurredAt = occurredAt,
        RecordedAt = now,
    };
}
