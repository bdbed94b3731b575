using System.Runtime.InteropServices;

namespace PortWarden.SocketHolder;

/// <summary>Raises this process's open-file limit (RLIMIT_NOFILE) so it can hold many sockets.</summary>
internal static unsafe partial class FileLimit
{
    private const int ResourceOpenFiles = 7;

    /// <summary>Raises the soft limit to <paramref name="wanted"/>, or as far as the hard limit allows; returns the new soft limit.</summary>
    public static ulong RaiseTo(int wanted)
    {
        if (!OperatingSystem.IsLinux())
        {
            return (ulong)wanted;
        }

        var limits = stackalloc ulong[2];
        if (GetLimit(ResourceOpenFiles, limits) != 0)
        {
            return 0;
        }

        if (limits[0] < (ulong)wanted)
        {
            limits[0] = Math.Min((ulong)wanted, limits[1]);
            _ = SetLimit(ResourceOpenFiles, limits);
        }

        return limits[0];
    }

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static partial int GetLimit(int resource, ulong* limits);

    [LibraryImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static partial int SetLimit(int resource, ulong* limits);
}
