using PortWarden.Core.Comparison;
using PortWarden.Core.Scanning;

namespace PortWarden.Cli.Diff;

/// <summary>Shared wording of differences for the text and JSON outputs.</summary>
internal static class DiffText
{
    public static string ChangeName(this HostChange change) => change switch
    {
        HostChange.Added => "added",
        HostChange.Removed => "removed",
        HostChange.WentUp => "up",
        HostChange.WentDown => "down",
        _ => "changed",
    };

    public static string ChangeName(this PortChange change) => change switch
    {
        PortChange.Opened => "opened",
        PortChange.Closed => "closed",
        PortChange.StateChanged => "state-changed",
        PortChange.ServiceChanged => "service-changed",
        PortChange.Appeared => "appeared",
        PortChange.NotScanned => "not-scanned",
        _ => "vanished",
    };

    /// <summary>Product, version and extra information as nmap prints them: "OpenSSH 9.2p1 (protocol 2.0)".</summary>
    public static string Version(Observation? observation)
    {
        if (observation?.Detail is not { } detail)
        {
            return "";
        }

        var parts = new[] { detail.Product, detail.Version, detail.ExtraInfo is null ? null : $"({detail.ExtraInfo})" };
        return string.Join(' ', parts.Where(part => !string.IsNullOrEmpty(part)));
    }

    public static string Describe(ScanSource source)
    {
        var started = source.StartedAt is { } at ? $", started {at.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z" : "";
        return $"{source.Scanner ?? source.Format}{started}{(source.Truncated ? ", cut off" : "")}";
    }
}
