using PortWarden.Core.Ports;
using PortWarden.Core.Targets;

namespace PortWarden.Core.Tracking;

/// <summary>
/// An approved change: from-to, for one device (or all when <see cref="DeviceId"/> is null), optionally
/// narrowed to some hosts (an address spec) and ports; with a reference such as a ticket id.
/// </summary>
public sealed record ChangeWindow(
    long Id,
    long? DeviceId,
    string? Targets,
    string? Ports,
    string? ExcludePorts,
    DateTimeOffset From,
    DateTimeOffset To,
    string? Reference,
    string? Description)
{
    /// <summary>Name of the device, for display (null = every device).</summary>
    public string? DeviceName { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Checks a new window's specs and times, throwing <see cref="SpecFormatException"/> or <see cref="FormatException"/> naming the problem.</summary>
    public static void Validate(string? targets, string? ports, string? excludePorts, DateTimeOffset from, DateTimeOffset to)
    {
        if (targets is not null && TargetSpec.Parse(targets, "change window target").NeedsResolution)
        {
            throw new FormatException("change window targets must be addresses, ranges or CIDR blocks, not host names");
        }

        if (ports is not null)
        {
            PortSpec.Parse(ports, excludePorts);
        }

        if (to <= from)
        {
            throw new FormatException($"the window ends ({to:u}) before it starts ({from:u})");
        }
    }
}
