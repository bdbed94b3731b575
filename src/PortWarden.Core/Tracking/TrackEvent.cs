using System.Net;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;

namespace PortWarden.Core.Tracking;

/// <summary>
/// One entry of a device's history. Events are append-only: each has a stable id (time-ordered) and,
/// once stored, a sequence number that orders all events and serves as a paging cursor.
/// </summary>
public sealed record TrackEvent
{
    public required Guid Id { get; init; }

    /// <summary>Position in the store's event log (0 until stored).</summary>
    public long Sequence { get; init; }

    public required EventType Type { get; init; }

    public required long DeviceId { get; init; }

    public required string Device { get; init; }

    public required Guid PollId { get; init; }

    /// <summary>When the poll that found it saw the change (for confirmed changes: the first sighting).</summary>
    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>The change happened after this moment (the previous poll), so it lies in (ChangedAfter, OccurredAt].</summary>
    public DateTimeOffset? ChangedAfter { get; init; }

    public DateTimeOffset RecordedAt { get; init; }

    public string? Host { get; init; }

    public string? HostName { get; init; }

    public Protocol? Protocol { get; init; }

    public int? Port { get; init; }

    public string? OldState { get; init; }

    public string? NewState { get; init; }

    public string? Service { get; init; }

    public string? OldService { get; init; }

    public ServiceDetail? Detail { get; init; }

    public ServiceDetail? OldDetail { get; init; }

    public OwningProcess? Process { get; init; }

    public OwningProcess? OldProcess { get; init; }

    public IPAddress? BindAddress { get; init; }

    /// <summary>Planned or unplanned, for changes; null for baseline and poll-completed events.</summary>
    public Classification? Classification { get; init; }

    /// <summary>The change window that made the change planned.</summary>
    public long? WindowId { get; init; }

    /// <summary>The window's reference (ticket id), copied so history stays readable.</summary>
    public string? Reference { get; init; }

    /// <summary>JSON detail for baseline and poll-completed events.</summary>
    public string? Payload { get; init; }

    public PortKey? Key => Protocol is { } protocol && Port is { } port ? new PortKey(protocol, port) : null;
}
