using System.Runtime.InteropServices;
using System.Text;

namespace PortWarden.Scanning.Local.Linux;

/// <summary>
/// Maps socket inodes to the processes holding them, the way ss -p and netstat -p do: every descriptor in
/// /proc/&lt;pid&gt;/fd whose link reads "socket:[inode]". An inode held by several processes (a listener inherited
/// across fork, or a child caught between fork and exec) goes to the one that started first, normally the parent
/// that opened it; not the lowest pid, since pids wrap around. Processes whose descriptors cannot be read
/// (another user's, without privileges) or that exit during the walk are skipped: their sockets keep no owner.
/// The native walk (64-bit Linux) reads links into a stack buffer; the managed one is the portable fallback.
/// </summary>
internal sealed class SocketInodeOwners(string procRoot, bool nativeWalk)
{
    private const int LinkBufferSize = 64;

    /// <summary>How many processes' descriptors could not be read for lack of permission in the last walk.</summary>
    public int Unreadable { get; private set; }

    /// <summary>Finds the owner of each inode in <paramref name="inodes"/>: inode → pid, only for inodes found.</summary>
    public Dictionary<ulong, int> Find(IEnumerable<ulong> inodes, CancellationToken cancellationToken)
    {
        var owners = new Dictionary<ulong, int>();
        foreach (var inode in inodes)
        {
            owners[inode] = 0;
        }

        Unreadable = 0;
        var shared = new Dictionary<ulong, List<int>>();
        if (owners.Count > 0)
        {
            if (nativeWalk && ProcFs.NativeWalkSupported)
            {
                WalkNative(owners, shared, cancellationToken);
            }
            else
            {
                WalkManaged(owners, shared, cancellationToken);
            }
        }

        foreach (var (inode, holders) in shared)
        {
            owners[inode] = holders.MinBy(pid => (StartTime(pid) ?? ulong.MaxValue, pid));
        }

        foreach (var (inode, pid) in owners)
        {
            if (pid == 0)
            {
                owners.Remove(inode);
            }
        }

        return owners;
    }

    /// <summary>Records that <paramref name="pid"/> holds a wanted inode whose first holder was <paramref name="owner"/>.</summary>
    private static void Hold(ref int owner, int pid, ulong inode, Dictionary<ulong, List<int>> shared)
    {
        if (owner == 0)
        {
            owner = pid;
        }
        else if (owner != pid)
        {
            if (!shared.TryGetValue(inode, out var holders))
            {
                shared[inode] = holders = [owner];
            }

            holders.Add(pid);
        }
    }

    /// <summary>When the process started, in clock ticks since boot (field 22 of /proc/&lt;pid&gt;/stat); null once it has exited.</summary>
    private ulong? StartTime(int pid)
    {
        try
        {
            var stat = File.ReadAllText(Path.Combine(procRoot, pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "stat"));

            // The name (field 2) is in parentheses and may hold spaces and parentheses itself: count from the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return fields.Length > 19 && ulong.TryParse(fields[19], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ticks)
                ? ticks
                : null;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private unsafe void WalkNative(Dictionary<ulong, int> owners, Dictionary<ulong, List<int>> shared, CancellationToken cancellationToken)
    {
        var root = Encoding.UTF8.GetBytes(procRoot.TrimEnd('/'));
        Span<byte> path = stackalloc byte[root.Length + 300];
        root.CopyTo(path);
        path[root.Length] = (byte)'/';
        path[root.Length + 1] = 0;
        byte* link = stackalloc byte[LinkBufferSize];

        fixed (byte* pathPointer = path)
        {
            var processes = ProcFs.OpenDirectory(pathPointer);
            if (processes == 0)
            {
                throw new IOException($"cannot read {procRoot}: {Marshal.GetPInvokeErrorMessage(ProcFs.LastError)}");
            }

            try
            {
                byte* entry;
                while ((entry = ProcFs.ReadDirectory(processes)) != null)
                {
                    var name = entry + ProcFs.DirectoryEntryNameOffset;
                    var nameLength = PidLength(name);
                    if (nameLength == 0)
                    {
                        continue;
                    }

                    cancellationToken.ThrowIfCancellationRequested();

                    // "<root>/<pid>/fd", terminated, after the root prefix already in the buffer.
                    var tail = path[(root.Length + 1)..];
                    new ReadOnlySpan<byte>(name, nameLength).CopyTo(tail);
                    "/fd\0"u8.CopyTo(tail[nameLength..]);
                    var descriptors = ProcFs.OpenDirectory(pathPointer);
                    if (descriptors == 0)
                    {
                        // ENOENT: the process exited since the listing; EACCES: another user's process.
                        Unreadable += ProcFs.LastError == ProcFs.ErrAccess ? 1 : 0;
                        continue;
                    }

                    var pid = ParsePid(name, nameLength);
                    var directory = ProcFs.DirectoryDescriptor(descriptors);
                    byte* descriptor;
                    while ((descriptor = ProcFs.ReadDirectory(descriptors)) != null)
                    {
                        var descriptorName = descriptor + ProcFs.DirectoryEntryNameOffset;
                        if (descriptorName[0] == (byte)'.')
                        {
                            continue;
                        }

                        var length = (int)ProcFs.ReadLinkAt(directory, descriptorName, link, LinkBufferSize);
                        if (length > 0 && TryParseSocketLink(new ReadOnlySpan<byte>(link, length), out var inode))
                        {
                            ref var owner = ref CollectionsMarshal.GetValueRefOrNullRef(owners, inode);
                            if (!System.Runtime.CompilerServices.Unsafe.IsNullRef(ref owner))
                            {
                                Hold(ref owner, pid, inode, shared);
                            }
                        }
                    }

                    _ = ProcFs.CloseDirectory(descriptors);
                }
            }
            finally
            {
                _ = ProcFs.CloseDirectory(processes);
            }
        }
    }

    /// <summary>The same walk through .NET's file APIs, for processes where the native dirent layout is not known.</summary>
    private void WalkManaged(Dictionary<ulong, int> owners, Dictionary<ulong, List<int>> shared, CancellationToken cancellationToken)
    {
        var processes = Directory.EnumerateDirectories(procRoot)
            .Select(path => int.TryParse(Path.GetFileName(path), out var pid) && pid > 0 ? pid : 0)
            .Where(pid => pid > 0);
        foreach (var pid in processes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                foreach (var descriptor in Directory.EnumerateFileSystemEntries(Path.Combine(procRoot, $"{pid}", "fd")))
                {
                    var target = new FileInfo(descriptor).LinkTarget;
                    if (target is not null && TryParseSocketLink(Encoding.UTF8.GetBytes(target), out var inode))
                    {
                        ref var owner = ref CollectionsMarshal.GetValueRefOrNullRef(owners, inode);
                        if (!System.Runtime.CompilerServices.Unsafe.IsNullRef(ref owner))
                        {
                            Hold(ref owner, pid, inode, shared);
                        }
                    }
                }
            }
            catch (UnauthorizedAccessException)
            {
                Unreadable++;
            }
            catch (IOException)
            {
                // The process exited while its descriptors were read.
            }
        }
    }

    /// <summary>"socket:[12345]" → 12345.</summary>
    public static bool TryParseSocketLink(ReadOnlySpan<byte> link, out ulong inode)
    {
        inode = 0;
        if (link.Length < 10 || !link.StartsWith("socket:["u8) || link[^1] != (byte)']')
        {
            return false;
        }

        foreach (var digit in link[8..^1])
        {
            if (digit is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            inode = (inode * 10) + (ulong)(digit - '0');
        }

        return true;
    }

    /// <summary>Length of a NUL-terminated all-digit name (a process directory), or 0.</summary>
    private static unsafe int PidLength(byte* name)
    {
        var length = 0;
        for (; name[length] != 0; length++)
        {
            if (name[length] is < (byte)'0' or > (byte)'9' || length > 10)
            {
                return 0;
            }
        }

        return length;
    }

    private static unsafe int ParsePid(byte* name, int length)
    {
        var pid = 0;
        for (var i = 0; i < length; i++)
        {
            pid = (pid * 10) + (name[i] - '0');
        }

        return pid;
    }
}
