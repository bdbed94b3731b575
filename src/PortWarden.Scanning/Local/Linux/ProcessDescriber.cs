using System.Globalization;
using PortWarden.Core.Scanning;

namespace PortWarden.Scanning.Local.Linux;

/// <summary>
/// Describes a process from /proc/&lt;pid&gt;: name, executable path and (effective) user, each where readable.
/// A process that exits while it is read keeps its pid and loses what could no longer be read.
/// </summary>
internal sealed class ProcessDescriber(string procRoot)
{
    /// <summary>The kernel keeps at most 15 characters of a process name (TASK_COMM_LEN - 1).</summary>
    private const int CommLength = 15;

    private readonly Dictionary<int, OwningProcess> described = [];
    private readonly UserNames users = new();

    public OwningProcess Describe(int pid, string? knownName = null)
    {
        if (described.TryGetValue(pid, out var process))
        {
            return process;
        }

        var directory = Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture));
        var comm = ReadText(Path.Combine(directory, "comm"))?.TrimEnd('\n') ?? knownName;
        var executable = ReadLink(Path.Combine(directory, "exe"));
        var user = EffectiveUid(directory) is { } uid ? users.NameOf(uid) : null;
        process = new OwningProcess(pid, FullName(comm, executable, directory), executable, user);
        described[pid] = process;
        return process;
    }

    /// <summary>
    /// The kernel truncates names to 15 characters ("PortWarden.Sock"); when the executable's or argv[0]'s file
    /// name continues the truncated one, that is the real name.
    /// </summary>
    private static string? FullName(string? comm, string? executable, string directory)
    {
        if (comm is null || comm.Length < CommLength)
        {
            return comm;
        }

        if (Path.GetFileName(executable) is { } file && file.Length > comm.Length && file.StartsWith(comm, StringComparison.Ordinal))
        {
            return file;
        }

        var arguments = ReadText(Path.Combine(directory, "cmdline"));
        var first = arguments?.Split('\0', 2)[0];
        return Path.GetFileName(first) is { } argument && argument.Length > comm.Length && argument.StartsWith(comm, StringComparison.Ordinal)
            ? argument
            : comm;
    }

    /// <summary>The second number of the "Uid:" line of status: real, effective, saved, filesystem.</summary>
    private static uint? EffectiveUid(string directory)
    {
        var status = ReadText(Path.Combine(directory, "status"));
        if (status is null)
        {
            return null;
        }

        foreach (var line in status.Split('\n'))
        {
            if (line.StartsWith("Uid:", StringComparison.Ordinal))
            {
                var ids = line[4..].Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
                return ids.Length > 1 && uint.TryParse(ids[1], NumberStyles.None, CultureInfo.InvariantCulture, out var uid) ? uid : null;
            }
        }

        return null;
    }

    private static string? ReadText(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string? ReadLink(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
