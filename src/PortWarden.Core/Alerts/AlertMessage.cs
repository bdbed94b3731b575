using PortWarden.Core.Tracking;

namespace PortWarden.Core.Alerts;

/// <summary>
/// What one rule says about one poll: the device, counts of the matching events by type and classification, and the
/// events themselves — up to <see cref="MaxListed"/>, so a change of a whole network stays one readable message.
/// </summary>
public sealed record AlertMessage
{
    /// <summary>The most events a message lists; the counts always cover all of them.</summary>
    public const int MaxListed = 100;

    public required string Rule { get; init; }

    public required long RuleId { get; init; }

    public required string Device { get; init; }

    public required long DeviceId { get; init; }

    public required Guid PollId { get; init; }

    public required DateTimeOffset PollStartedAt { get; init; }

    public required DateTimeOffset PollFinishedAt { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required int Total { get; init; }

    public required int Unplanned { get; init; }

    public required int Planned { get; init; }

    /// <summary>How many matching events of each type (wire names).</summary>
    public required IReadOnlyDictionary<string, int> ByType { get; init; }

    public required IReadOnlyList<TrackEvent> Events { get; init; }

    /// <summary>True when the message is a test ("alerts test"), not about a real poll.</summary>
    public bool IsTest { get; init; }

    public bool Truncated => Total > Events.Count;

    /// <summary>A one-line summary: "PortWarden: 3 changes on 'web' (2 unplanned, 1 planned): 2 port-opened, 1 port-closed".</summary>
    public string Subject
    {
        get
        {
            var test = IsTest ? "[test] " : "";
            var kinds = string.Join(", ", ByType.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => $"{pair.Value} {pair.Key}"));
            return $"{test}PortWarden: {Total} change{(Total == 1 ? "" : "s")} on '{Device}' ({Unplanned} unplanned, {Planned} planned): {kinds}";
        }
    }

    /// <summary>The message of <paramref name="rule"/> about the matching events of one poll.</summary>
    public static AlertMessage Create(AlertRule rule, Device device, PollRecord poll, IReadOnlyList<TrackEvent> matching, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(poll);
        ArgumentNullException.ThrowIfNull(matching);
        return new AlertMessage
        {
            Rule = rule.Name,
            RuleId = rule.Id,
            Device = device.Name,
            DeviceId = device.Id,
            PollId = poll.Id,
            PollStartedAt = poll.StartedAt,
            PollFinishedAt = poll.FinishedAt,
            CreatedAt = now,
            Total = matching.Count,
            Unplanned = matching.Count(e => e.Classification == Classification.Unplanned),
            Planned = matching.Count(e => e.Classification == Classification.Planned),
            ByType = matching.GroupBy(e => e.Type.ToWireName()).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
            Events = matching.Take(MaxListed).ToList(),
        };
    }
}
