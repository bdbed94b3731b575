using System.ComponentModel;
using System.Diagnostics;
using PortWarden.Core.Scanning;

namespace PortWarden.Scanning.Local.Windows;

/// <summary>Names and executable paths of Windows processes by pid, remembered for one scan.</summary>
internal sealed class WindowsProcesses
{
    private readonly Dictionary<int, OwningProcess> described = [];

    public OwningProcess Describe(int pid)
    {
        if (described.TryGetValue(pid, out var process))
        {
            return process;
        }

        process = pid switch
        {
            0 => new OwningProcess(0, "System Idle Process"),
            4 => new OwningProcess(4, "System"),
            _ => Query(pid),
        };
        described[pid] = process;
        return process;
    }

    private static OwningProcess Query(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            string? path = null;
            try
            {
                // Protected and other users' processes refuse their module list to unprivileged callers.
                path = process.MainModule?.FileName;
            }
            catch (Exception error) when (error is Win32Exception or InvalidOperationException or NotSupportedException)
            {
            }

            return new OwningProcess(pid, process.ProcessName, path);
        }
        catch (Exception error) when (error is ArgumentException or InvalidOperationException)
        {
            // The process exited since the table was read.
            return new OwningProcess(pid, null);
        }
    }
}
