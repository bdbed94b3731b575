using System.Globalization;

namespace PortWarden.Scanning.Tests;

/// <summary>A directory laid out like /proc, for the cases the real one cannot show on demand (vanished processes, odd names).</summary>
internal sealed class FakeProc : IDisposable
{
    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("portwarden-proc-");

    public string Path => root.FullName;

    /// <summary>Writes net/NAME (tcp, tcp6, udp, udp6).</summary>
    public void Table(string name, string content)
    {
        Directory.CreateDirectory(System.IO.Path.Combine(Path, "net"));
        File.WriteAllText(System.IO.Path.Combine(Path, "net", name), content);
    }

    /// <summary>
    /// Adds process <paramref name="pid"/>: its descriptors (fd number → link target, e.g. "socket:[123]"), and
    /// the comm, exe, cmdline, status and stat files when given (null leaves a file out, as after the process exits).
    /// </summary>
    public void Process(
        int pid, IReadOnlyDictionary<int, string>? descriptors, string? comm = null, string? exe = null, string? cmdline = null, int? uid = null, long? startTime = null)
    {
        var directory = Directory.CreateDirectory(System.IO.Path.Combine(Path, pid.ToString(CultureInfo.InvariantCulture))).FullName;
        if (descriptors is not null)
        {
            var fd = Directory.CreateDirectory(System.IO.Path.Combine(directory, "fd")).FullName;
            foreach (var (number, target) in descriptors)
            {
                File.CreateSymbolicLink(System.IO.Path.Combine(fd, number.ToString(CultureInfo.InvariantCulture)), target);
            }
        }

        if (comm is not null)
        {
            File.WriteAllText(System.IO.Path.Combine(directory, "comm"), comm + "\n");
        }

        if (exe is not null)
        {
            File.CreateSymbolicLink(System.IO.Path.Combine(directory, "exe"), exe);
        }

        if (cmdline is not null)
        {
            File.WriteAllText(System.IO.Path.Combine(directory, "cmdline"), cmdline.Replace(' ', '\0') + "\0");
        }

        if (startTime is { } ticks)
        {
            // Field 22 is the start time; the name in field 2 may hold spaces and parentheses.
            var fields = string.Join(' ', Enumerable.Range(3, 20).Select(field => field == 22 ? ticks : field));
            File.WriteAllText(System.IO.Path.Combine(directory, "stat"), $"{pid} ({comm ?? "a) (b"}) {fields} 0 0 0\n");
        }

        if (uid is { } id)
        {
            File.WriteAllText(System.IO.Path.Combine(directory, "status"), $"Name:\t{comm}\nUmask:\t0022\nState:\tS (sleeping)\nUid:\t{id + 1}\t{id}\t{id}\t{id}\nGid:\t0\t0\t0\t0\n");
        }
    }

    public void Dispose() => root.Delete(recursive: true);
}
