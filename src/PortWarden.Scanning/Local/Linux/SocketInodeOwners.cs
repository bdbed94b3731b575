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

    /// <summary>Finds the owner of each inode in <paramref name="inodes"/>; inodes without one keep pid 0.</summary>
    public InodeTable Find(IReadOnlyCollection<ulong> inodes, CancellationToken cancellationToken)
    {
        var owners = new InodeTable(inodes);
        Unreadable = 0;
        var shared = new SharedInodes();
        if (inodes.Count > 0)
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

        foreach (var (slot, holders) in shared.Holders)
        {
            owners.PidAt(slot) = holders.MinBy(pid => (StartTime(pid) ?? ulong.MaxValue, pid));
        }

        return owners;
    }

    /// <summary>Records that <paramref name="pid"/> holds the wanted inode in <paramref name="slot"/>.</summary>
    private static void Hold(InodeTable owners, int slot, int pid, SharedInodes shared)
    {
        ref var owner = ref owners.PidAt(slot);
        if (owner == 0)
        {
            owner = pid;
        }
        else if (owner != pid)
        {
            shared.Add(slot, owner, pid);
        }
    }

    /// <summary>The inodes held by more than one process (rare): every holder, by table slot.</summary>
    private sealed class SharedInodes
    {
        public List<(int Slot, List<int> Holders)> Holders { get; } = [];

        public void Add(int slot, int first, int pid)
        {
            foreach (var (known, holders) in Holders)
            {
                if (known == slot)
                {
                    holders.Add(pid);
                    return;
                }
            }

            Holders.Add((slot, [first, pid]));
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

    /// <summary>
    /// Lists the processes, then reads their descriptors on one thread per core (at most four): each descriptor
    /// costs a readlink of a few microseconds in the kernel, and tens of thousands of them dominate a scan.
    /// Workers only look the inodes up; their findings are merged afterwards.
    /// </summary>
    private void WalkNative(InodeTable owners, SharedInodes shared, CancellationToken cancellationToken)
    {
        var root = Encoding.UTF8.GetBytes(procRoot.TrimEnd('/'));
        var pids = ListProcesses(root);
        var next = -1;
        var workers = Math.Clamp(Environment.ProcessorCount, 1, 4);
        var found = new List<(int Slot, int Pid)>[workers];
        var unreadable = new int[workers];
        void Work(int worker)
        {
            var hits = found[worker] = [];
            int index;
            while (!cancellationToken.IsCancellationRequested && (index = Interlocked.Increment(ref next)) < pids.Count)
            {
                unreadable[worker] += ReadDescriptors(root, pids[index], owners, hits) ? 0 : 1;
            }
        }

        // Plain threads rather than Parallel.For: a one-shot command pays for every generic it JIT-compiles.
        var threads = Enumerable.Range(1, workers - 1).Select(worker => new Thread(() => Work(worker)) { IsBackground = true }).ToList();
        threads.ForEach(thread => thread.Start());
        Work(0);
        threads.ForEach(thread => thread.Join());
        cancellationToken.ThrowIfCancellationRequested();

        foreach (var hits in found)
        {
            foreach (var (slot, pid) in hits)
            {
                Hold(owners, slot, pid, shared);
            }
        }

        Unreadable = unreadable.Sum();
    }

    /// <summary>The numeric entries of the /proc directory.</summary>
    private unsafe List<int> ListProcesses(byte[] root)
    {
        var pids = new List<int>(512);
        Span<byte> path = stackalloc byte[root.Length + 2];
        root.CopyTo(path);
        path[root.Length] = (byte)'/';
        path[root.Length + 1] = 0;
        fixed (byte* pathPointer = path)
        {
            var processes = ProcFs.OpenDirectory(pathPointer);
            if (processes == 0)
            {
                throw new IOException($"cannot read {procRoot}: {Marshal.GetPInvokeErrorMessage(ProcFs.LastError)}");
            }

            byte* entry;
            while ((entry = ProcFs.ReadDirectory(processes)) != null)
            {
                var name = entry + ProcFs.DirectoryEntryNameOffset;
                var length = PidLength(name);
                if (length > 0)
                {
                    pids.Add(ParsePid(name, length));
                }
            }

            _ = ProcFs.CloseDirectory(processes);
        }

        return pids;
    }

    /// <summary>
    /// Reads the descriptor links of one process, adding each wanted inode it holds to <paramref name="hits"/>;
    /// false when its descriptors may not be read. A process that has exited simply has none.
    /// </summary>
    private static unsafe bool ReadDescriptors(byte[] root, int pid, InodeTable owners, List<(int, int)> hits)
    {
        // "<root>/<pid>/fd", NUL-terminated.
        Span<byte> path = stackalloc byte[root.Length + 20];
        root.CopyTo(path);
        path[root.Length] = (byte)'/';
        pid.TryFormat(path[(root.Length + 1)..], out var digits, provider: System.Globalization.CultureInfo.InvariantCulture);
        "/fd\0"u8.CopyTo(path[(root.Length + 1 + digits)..]);
        byte* link = stackalloc byte[LinkBufferSize];
        fixed (byte* pathPointer = path)
        {
            var descriptors = ProcFs.OpenDirectory(pathPointer);
            if (descriptors == 0)
            {
                return ProcFs.LastError != ProcFs.ErrAccess;
            }

            var directory = ProcFs.DirectoryDescriptor(descriptors);
            byte* descriptor;
            while ((descriptor = ProcFs.ReadDirectory(descriptors)) != null)
            {
                var name = descriptor + ProcFs.DirectoryEntryNameOffset;
                if (name[0] == (byte)'.')
                {
                    continue;
                }

                var length = (int)ProcFs.ReadLinkAt(directory, name, link, LinkBufferSize);
                if (length > 0 && TryParseSocketLink(new ReadOnlySpan<byte>(link, length), out var inode) && owners.Find(inode) is var slot and >= 0)
                {
                    hits.Add((slot, pid));
                }
            }

            _ = ProcFs.CloseDirectory(descriptors);
            return true;
        }
    }

    /// <summary>The same walk through .NET's file APIs, for processes where the native dirent layout is not known.</summary>
    private void WalkManaged(InodeTable owners, SharedInodes shared, CancellationToken cancellationToken)
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
                    if (target is not null && TryParseSocketLink(Encoding.UTF8.GetBytes(target), out var inode) && owners.Find(inode) is var slot and >= 0)
                    {
                        Hold(owners, slot, pid, shared);
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
