using PortWarden.Core.Scanning;

namespace PortWarden.Agent.Checkpoints;

/// <summary>
/// A poll stopped before it finished: which poll, how far its scan had got, and the checkpoint that holds what it
/// decided (null when its engine keeps none, so nothing of it survives).
/// </summary>
public sealed class PollInterruptedException(Guid pollId, ScanProgress? progress, string? checkpoint, CancellationToken token)
    : OperationCanceledException($"poll {pollId} was stopped before it finished", null, token)
{
    public Guid PollId { get; } = pollId;

    /// <summary>The engine's last progress report, if it made one.</summary>
    public ScanProgress? Progress { get; } = progress;

    public string? Checkpoint { get; } = checkpoint;
}
