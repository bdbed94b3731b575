namespace PortWarden.Agent.Checkpoints;

/// <summary>One interrupted poll found at start: the poll, or why its files cannot be used.</summary>
public sealed record FoundPoll(Guid PollId, SavedPoll? Poll, string? Problem);
