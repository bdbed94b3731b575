using PortWarden.Core.Tracking;

namespace PortWarden.Scanning.Checkpoints;

/// <summary>
/// What a scan covers, as a checkpoint records it: the target and port specifications (canonical text) and the
/// engine. A checkpoint can only resume the scan it was written for; its <see cref="Options"/> (sources, rate,
/// timeouts) are taken over unless the resuming command sets them anew.
/// </summary>
public sealed record ScanDefinition(string Targets, string Exclude, string Ports, string ExcludePorts, string Engine)
{
    /// <summary>How the scan probed, as the command line gave it.</summary>
    public TrackerOptions Options { get; init; } = new();

    /// <summary>The first difference from <paramref name="other"/>, described for a user, or null when they are the same scan.</summary>
    public string? DifferenceFrom(ScanDefinition other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return (Normalize(Targets) != Normalize(other.Targets)) ? $"targets '{Targets}' vs '{other.Targets}'"
            : (Normalize(Exclude) != Normalize(other.Exclude)) ? $"excluded targets '{Exclude}' vs '{other.Exclude}'"
            : Ports != other.Ports ? $"ports '{Ports}' vs '{other.Ports}'"
            : ExcludePorts != other.ExcludePorts ? $"excluded ports '{ExcludePorts}' vs '{other.ExcludePorts}'"
            : !string.Equals(Engine, other.Engine, StringComparison.OrdinalIgnoreCase) ? $"engine '{Engine}' vs '{other.Engine}'"
            : null;
    }

    private static string Normalize(string spec) =>
        string.Join(' ', spec.Split([' ', ',', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries));
}
