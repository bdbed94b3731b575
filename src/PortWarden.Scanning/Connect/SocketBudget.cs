using System.Runtime.InteropServices;

namespace PortWarden.Scanning.Connect;

/// <summary>How many sockets a scan may hold open at once without exhausting the process's file descriptors.</summary>
internal static partial class SocketBudget
{
    /// <summary>Descriptors left for everything else the process does (files, the console, the runtime).</summary>
    private const int Reserve = 64;

    public static int Limit(int requested)
    {
        if (!OperatingSystem.IsLinux())
        {
            return requested;
        }

        var open = CountOpenDescriptors();
        var soft = SoftDescriptorLimit();
        return soft is { } limit ? (int)Math.Clamp(limit - open - Reserve, 1, requested) : requested;
    }

    private static int CountOpenDescriptors()
    {
        try
        {
            return Directory.GetFiles("/proc/self/fd").Length;
        }
        catch (IOException)
        {
            return 0;
        }
        catch (UnauthorizedAccessException)
        {
            return 0;
        }
    }

    private static long? SoftDescriptorLimit()
    {
        const int RlimitNoFile = 7;
        return GetRLimit(RlimitNoFile, out var limit) == 0 && limit.Current < long.MaxValue ? (long)Math.Min(limit.Current, long.MaxValue) : null;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static partial int GetRLimit(int resource, out RLimit limit);
}
