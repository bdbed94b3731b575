using System.Runtime.InteropServices;
using System.Text;

namespace PortWarden.Scanning.Local.Linux;

/// <summary>
/// Maps socket inodes to the processes holding them, the way ss -p and netstat -p do: every descriptor in
/// /proc/&lt;pid&gt;/fd whose link reads "socket:[inode]". Processes are visited in ascending pid order, so an
/// inode shared by several processes (a listener inherited across fork) goes to the lowest pid, normally the
/// parent; the walk stops once every wanted inode has an owner (the kernel lists /proc in ascending pid order). Processes whose descriptors cannot be read
/// (another user's, without privileges) or that exit during the walk are skipped: their sockets keep no owner.
/// </summary>
internal sealed class SocketInodeOwners(string procRoot)
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
        if (owners.Count > 0)
        {
            if (ProcFs.NativeWalkSupported)
            {
                WalkNative(owners, cancellationToken);
            }
            else
            {
                WalkManaged(owners, cancellationToken);
            }
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

    private unsafe void WalkNative(Dictionary<ulong, int> owners, CancellationToken cancellationToken)
    {
        var remaining = owners.Count;
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
                while (remaining > 0 && (entry = ProcFs.ReadDirectory(processes)) != null)
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
                                remaining -= owner == 0 ? 1 : 0;
                                owner = owner == 0 ? pid : Math.Min(owner, pid);
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
    private void WalkManaged(Dictionary<ulong, int> owners, CancellationToken cancellationToken)
    {
        var remaining = owners.Count;
        var processes = Directory.EnumerateDirectories(procRoot)
            .Select(path => int.TryParse(Path.GetFileName(path), out var pid) && pid > 0 ? pid : 0)
            .Where(pid => pid > 0)
            .Order();
        foreach (var pid in processes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                foreach (var descriptor in Directory.EnumerateFileSystemEntries(Path.Combine(procRoot, $"{pid}", "fd")))
                {
                    var target = new FileInfo(descriptor).LinkTarget;
                    if (target is not null && TryParseSocketLink(Encoding.UTF8.GetBytes(target), out var inode)
                        && owners.TryGetValue(inode, out var owner) && owner == 0)
                    {
                        owners[inode] = pid;
                        remaining--;
                    }

                    // Processes are visited in ascending order here, so the first owner found is the lowest pid.
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

            if (remaining == 0)
            {
                return;
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
