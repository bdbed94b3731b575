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

    /// <summary>Checks a new window's specs and times, throwing <see cref="FormatException"/> with the first problem.</summary>
    public static void Validate(string? targets, string? ports, string? excludePorts, DateTimeOffset from, DateTimeOffset to)
    {
        foreach (var (_, message) in Problems(targets, ports, excludePorts, from, to))
        {
            throw new FormatException(message);
        }
    }

    /// <summary>Every problem of a new window as (field, message): targets, ports, to.</summary>
    public static IEnumerable<(string Field, string Message)> Problems(string? targets, string? ports, string? excludePorts, DateTimeOffset from, DateTimeOffset to)
    {
        var problems = new List<(string, string)>();
        if (targets is not null)
        {
            try
            {
                if (TargetSpec.Parse(targets, "change window target").NeedsResolution)
                {
                    problems.Add(("targets", "change window targets must be addresses, ranges or CIDR blocks, not host names"));
                }
            }
            catch (SpecFormatException error)
            {
                problems.Add(("targets", error.Message));
            }
        }

        if (ports is not null || excludePorts is not null)
        {
            try
            {
                PortSpec.Parse(ports ?? "-", excludePorts);
            }
            catch (SpecFormatException error)
            {
                problems.Add(("ports", error.Message));
            }
        }

        if (to <= from)
        {
            problems.Add(("to", $"the window ends ({to:u}) before it starts ({from:u})"));
        }

        return problems;
    }
}
