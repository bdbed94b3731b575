namespace PortWarden.Core.Fleet;

/// <summary>A one-time token an agent exchanges for its own credential. Only its hash is stored.</summary>
public sealed record EnrollmentToken(long Id, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, string? Note)
{
    public DateTimeOffset? UsedAt { get; init; }

    public long? AgentId { get; init; }
}
