using PortWarden.Core;
using PortWarden.Core.Targets;
using PortWarden.Core.Tracking;
using PortWarden.Scanning.Nmap;

namespace PortWarden.Cli.Commands;

/// <summary>
/// Which hosts an imported nmap scan covered, so that those the file does not list (nmap leaves out hosts that
/// did not answer) are recorded down. The file's own command line wins, because it says what that scan was run
/// on, and a scan of part of a device must not mark the rest down. When it does not name its targets (nmap -iL,
/// -iR, --excludefile, or no command line), the device's targets are used, and when those name no address
/// either (a device made by an earlier such import), the hosts the device already tracks. Host names are never
/// resolved: a name's host is covered only when the file lists it.
/// </summary>
internal static class ImportCoverage
{
    public static async Task<NmapHostCoverage> DecideAsync(IPortWardenStore db, Device device, NmapCommandLine commandLine, CancellationToken cancellationToken)
    {
        if (commandLine.NamesAllTargets)
        {
            return NmapHostCoverage.Of(commandLine.Targets, commandLine.Excluded, $"the file's targets ({commandLine.Targets.Text})");
        }

        if (DeviceTargets(device) is { } targets)
        {
            return NmapHostCoverage.Of(targets, TargetSpec.Empty, $"the targets of '{device.Name}' ({targets.Text})");
        }

        if (!device.BaselineEstablished)
        {
            return NmapHostCoverage.None;
        }

        var baseline = await db.LoadBaselineAsync(device, cancellationToken).ConfigureAwait(false);
        return NmapHostCoverage.OfHosts(
            baseline.Hosts.Keys.Select(System.Net.IPAddress.Parse), $"the hosts '{device.Name}' tracks (the file does not name its targets)");
    }

    /// <summary>The device's targets when they name at least one address (not only host names or a file's name).</summary>
    private static TargetSpec? DeviceTargets(Device device)
    {
        try
        {
            var spec = TargetSpec.Parse(device.Targets);
            return spec.Entries.Any(entry => entry is not HostNameEntry) ? spec : null;
        }
        catch (SpecFormatException)
        {
            return null;
        }
    }
}
