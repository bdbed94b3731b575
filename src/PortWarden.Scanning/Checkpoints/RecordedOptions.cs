namespace PortWarden.Scanning.Checkpoints;

/// <summary>The probing options a checkpointed scan was started with (null: not given), so a resumed scan probes the same way.</summary>
public sealed record RecordedOptions(string? SourceAddresses, double? Rate, int? Retries, int? TimeoutMs, int? Concurrency, bool NoDiscovery)
{
    public static RecordedOptions None { get; } = new(null, null, null, null, null, false);
}
