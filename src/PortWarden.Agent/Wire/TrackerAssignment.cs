namespace PortWarden.Agent.Wire;

/// <summary>A tracker as an agent receives it: what to scan (the device's targets), how, and when.</summary>
public sealed record TrackerAssignment(
    long TrackerId,
    string Name,
    long DeviceId,
    string Device,
    string Targets,
    string Mode,
    string Ports,
    string ExcludePorts,
    string Engine,
    string Schedule,
    int? ShardSize,
    string Options,
    DateTimeOffset? RunRequestedAt);
