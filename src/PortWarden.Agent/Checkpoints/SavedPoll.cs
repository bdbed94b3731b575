using PortWarden.Scanning.Checkpoints;

namespace PortWarden.Agent.Checkpoints;

/// <summary>An interrupted poll found in the agent's data directory: what it was, and what its scan had decided.</summary>
public sealed record SavedPoll(SavedPollInfo Info, Checkpoint Checkpoint)
{
    /// <summary>Ports the interrupted run decided (observations of hosts not finished, plus every port of finished hosts' reports).</summary>
    public long DecidedPorts => Checkpoint.Records.Sum(record => record switch
    {
        Core.Scanning.HostReport report => report.State == Core.Scanning.HostState.Up ? 0 : report.Counts.Total,
        _ => 1,
    });
}
