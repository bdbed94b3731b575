namespace PortWarden.Core.Fleet;

/// <summary>Who may talk to the hub: admin API keys, enrolment tokens and agents. Secrets are stored only as hashes.</summary>
public interface IFleetStore
{
    Task<long> AddApiKeyAsync(string name, string keyHash, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>True when an unrevoked admin key has this hash.</summary>
    Task<bool> IsApiKeyAsync(string keyHash, CancellationToken cancellationToken);

    Task<int> CountApiKeysAsync(CancellationToken cancellationToken);

    Task<EnrollmentToken> AddEnrollmentTokenAsync(string tokenHash, DateTimeOffset now, DateTimeOffset expiresAt, string? note, CancellationToken cancellationToken);

    Task<IReadOnlyList<EnrollmentToken>> ListEnrollmentTokensAsync(CancellationToken cancellationToken);

    /// <summary>Consumes an unused, unexpired token and creates the agent with its credential hash; null when the token is not valid.</summary>
    Task<Agent?> EnrolAgentAsync(string tokenHash, string name, string? hostName, string credentialHash, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The agent and its credential hash, or null.</summary>
    Task<(Agent Agent, string CredentialHash)?> FindAgentAsync(long id, CancellationToken cancellationToken);

    Task<IReadOnlyList<Agent>> ListAgentsAsync(CancellationToken cancellationToken);

    Task<bool> RevokeAgentAsync(long id, DateTimeOffset now, CancellationToken cancellationToken);

    Task TouchAgentAsync(long id, DateTimeOffset now, string? version, CancellationToken cancellationToken);
}
