namespace PortWarden.Core.Fleet;

/// <summary>A process that runs trackers for the hub, enrolled once with a one-time token.</summary>
public sealed record Agent(long Id, string Name, string? HostName, DateTimeOffset EnrolledAt)
{
    public DateTimeOffset? LastSeenAt { get; init; }

    public DateTimeOffset? RevokedAt { get; init; }

    /// <summary>The PortWarden version the agent last reported.</summary>
    public string? Version { get; init; }

    public bool IsRevoked => RevokedAt is not null;
}
