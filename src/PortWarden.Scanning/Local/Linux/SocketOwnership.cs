using PortWarden.Core.Scanning;

namespace PortWarden.Scanning.Local.Linux;

/// <summary>Gives the sockets read from the kernel's tables their owning processes, found through /proc.</summary>
internal static class SocketOwnership
{
    public static IReadOnlyList<LocalSocket> Attach(
        IReadOnlyList<KernelSocket> found, string procRoot, LocalWarnings warnings, CancellationToken cancellationToken)
    {
        var owners = new SocketInodeOwners(procRoot, nativeWalk: true);
        var inodes = new List<ulong>(found.Count);
        foreach (var socket in found)
        {
            if (socket.Inode != 0)
            {
                inodes.Add(socket.Inode);
            }
        }

        var pids = owners.Find(inodes, cancellationToken);
        if (owners.Unreadable > 0)
        {
            warnings.Warn("owner", $"the open files of {owners.Unreadable} process(es) could not be read (permission denied): " +
                "their ports are reported without owning process; run as root to see them");
        }

        var describer = new ProcessDescriber(procRoot);
        var sockets = new List<LocalSocket>(found.Count);
        foreach (var socket in found)
        {
            var pid = pids.PidOf(socket.Inode);
            OwningProcess? process = pid != 0 ? describer.Describe(pid) : null;
            sockets.Add(new LocalSocket(socket.Protocol, socket.Address, socket.Port, process));
        }

        return sockets;
    }
}
