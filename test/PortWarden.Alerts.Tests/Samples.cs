using PortWarden.Core.Alerts;
using PortWarden.Core.Ports;
using PortWarden.Core.Tracking;

namespace PortWarden.Alerts.Tests;

/// <summary>Events and messages for format tests, with values that need escaping.</summary>
internal static class Samples
{
    public static readonly DateTimeOffset At = new(2026, 11, 25, 10, 30, 15, 123, TimeSpan.Zero);

    public static TrackEvent Opened(string? service = "http", string? reference = null, Classification classification = Classification.Unplanned) => new()
    {
        Id = Guid.Parse("01900000-0000-7000-8000-000000000001"),
        Type = EventType.PortOpened,
        DeviceId = 7,
        Device = "web",
        PollId = Guid.Parse("01900000-0000-7000-8000-0000000000aa"),
        OccurredAt = At,
        RecordedAt = At,
        Host = "198.18.1.5",
        Protocol = Protocol.Tcp,
        Port = 8080,
        OldState = "closed",
        NewState = "open",
        Service = service,
        Classification = classification,
        Reference = reference,
    };

    public static AlertMessage Message(IReadOnlyList<TrackEvent> events, string rule = "ops") =>
        AlertMessage.Create(
            new AlertRule { Id = 3, Name = rule },
            new Device(7, "web", DeviceKind.Host, "198.18.1.5", At),
            new PollRecord(events[0].PollId, 7, null, "connect", At.AddSeconds(-2), At, PollCounts.None, null),
            events,
            At);
}
