using PortWarden.Core.Ports;
using PortWarden.Core.Tracking;

namespace PortWarden.Alerts.Reports;

/// <summary>
/// A report for auditors over a period: for each device its current baseline, every change in the period (planned or
/// unplanned, with change references), the open ports its expected state does not allow, and how well it was polled.
/// </summary>
public sealed record Report(DateTimeOffset GeneratedAt, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<DeviceReport> Devices);

/// <summary>One device's part of a report.</summary>
public sealed record DeviceReport(
    Device Device, IReadOnlyList<HostBaseline> Hosts, IReadOnlyList<TrackEvent> Changes, IReadOnlyList<ExpectedStateViolation> Violations, PollCoverage Coverage)
{
    public int Unplanned => Changes.Count(e => e.Classification == Classification.Unplanned);

    public int Planned => Changes.Count(e => e.Classification == Classification.Planned);
}

/// <summary>A port open on a host although the device's expected state does not allow it.</summary>
public sealed record ExpectedStateViolation(string Host, string? HostName, PortKey Port, string? Service, DateTimeOffset OpenSince);

/// <summary>How a device was polled in the period: polls run and failed, their durations, and the failed ones.</summary>
public sealed record PollCoverage(int Polls, int Failed, TimeSpan? Shortest, TimeSpan? Average, TimeSpan? Longest, DateTimeOffset? First, DateTimeOffset? Last)
{
    public IReadOnlyList<FailedPoll> Failures { get; init; } = [];

    public static PollCoverage None { get; } = new(0, 0, null, null, null, null, null);
}

/// <summary>A poll that ended with an error.</summary>
public sealed record FailedPoll(Guid PollId, DateTimeOffset At, string Error);
