namespace PortWarden.Scanning.Checkpoints;

/// <summary>A checkpoint file that cannot be used: missing, not a checkpoint, another version, corrupt, or written for another scan.</summary>
public sealed class CheckpointException(string message) : IOException(message);
