namespace PortWarden.Agent.Wire;

/// <summary>An agent's first request: its one-time token, and how it wants to be known.</summary>
public sealed record EnrolRequest(string Token, string Name, string? HostName);

/// <summary>The hub's answer: the agent's id and its own credential (shown only this once).</summary>
public sealed record EnrolResponse(long AgentId, string Credential);
