using PortWarden.Scanning.Local.Linux;
using PortWarden.Scanning.Local.Text;
using PortWarden.Scanning.Local.Windows;

namespace PortWarden.Scanning.Local;

/// <summary>
/// Which socket table readers to try on this OS, best first. Linux: netlink sock_diag (the kernel's tables,
/// filtered by state in the kernel), then /proc/net (the same tables as text), then `ss -tulpn`, then
/// `netstat -tulpnW`. Windows: IP Helper, then `netstat -ano`. The first
/// that works answers the scan.
/// </summary>
internal static class LocalSocketSources
{
    public static IReadOnlyList<ILocalSocketSource> ForThisHost()
    {
        if (OperatingSystem.IsLinux())
        {
            return [new SockDiagSource(), new ProcNetSource(), ToolOutputSource.Ss(), ToolOutputSource.NetstatLinux()];
        }

        if (OperatingSystem.IsWindows())
        {
            return [new IpHelperSource(), ToolOutputSource.NetstatWindows()];
        }

        return [];
    }

    /// <summary>Reads the table from the first source that works; fails naming why each one did not.</summary>
    public static (ILocalSocketSource Source, IReadOnlyList<LocalSocket> Sockets) ReadFirst(
        IReadOnlyList<ILocalSocketSource> sources, LocalPortFilter ports, LocalWarnings warnings, CancellationToken cancellationToken)
    {
        var reasons = new List<string>();
        foreach (var source in sources)
        {
            try
            {
                return (source, source.Read(ports, warnings, cancellationToken));
            }
            catch (LocalSourceUnavailableException unavailable)
            {
                reasons.Add($"{source.Name}: {unavailable.Message}");
            }
        }

        throw new IOException(reasons.Count == 0
            ? $"cannot read this host's socket table: no reader for {System.Runtime.InteropServices.RuntimeInformation.OSDescription}"
            : $"cannot read this host's socket table ({string.Join("; ", reasons)})");
    }
}
