using System.Diagnostics;
using System.Net;
using PortWarden.NetLab;
using PortWarden.Scanning.Local.Linux;

namespace PortWarden.Scanning.Tests;

/// <summary>Socket inode → process mapping through /proc/&lt;pid&gt;/fd, and describing the owning process.</summary>
public sealed class LocalSocketOwnerTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public static TheoryData<bool> Walks => [true, false];

    [Theory]
    [MemberData(nameof(Walks))]
    public void Socket_links_map_inodes_to_their_process_and_other_descriptors_are_ignored(bool native)
    {
        using var proc = new FakeProc();
        proc.Process(100, new Dictionary<int, string> { [0] = "/dev/null", [3] = "socket:[1001]", [4] = "pipe:[1001]", [5] = "socket:[9999]" });
        proc.Process(200, new Dictionary<int, string> { [7] = "socket:[1002]", [8] = "anon_inode:[eventpoll]", [9] = "socket:[12x]" });
        proc.Process(300, new Dictionary<int, string> { [1] = "socket:[1003]" });
        Directory.CreateDirectory(Path.Combine(proc.Path, "self"));
        Directory.CreateDirectory(Path.Combine(proc.Path, "net"));

        var owners = Owned(new SocketInodeOwners(proc.Path, native).Find([1001, 1002, 1004], Cancel));

        Assert.Equal(new Dictionary<ulong, int> { [1001] = 100, [1002] = 200 }, owners);
    }

    [Theory]
    [MemberData(nameof(Walks))]
    public void A_process_that_exited_while_the_table_was_read_is_skipped(bool native)
    {
        using var proc = new FakeProc();
        proc.Process(100, descriptors: null, comm: "gone");
        proc.Process(200, new Dictionary<int, string> { [3] = "socket:[1002]" });
        proc.Process(300, new Dictionary<int, string> { [3] = "socket:[1003]" });
        Directory.Delete(Path.Combine(proc.Path, "300"), recursive: true);

        var owners = Owned(new SocketInodeOwners(proc.Path, native).Find([1001, 1002, 1003], Cancel));

        Assert.Equal(new Dictionary<ulong, int> { [1002] = 200 }, owners);
    }

    [Theory]
    [MemberData(nameof(Walks))]
    public void An_inode_held_by_several_processes_belongs_to_the_one_that_started_first(bool native)
    {
        using var proc = new FakeProc();

        // Pids wrap around: the parent (started first) can have a higher pid than its children.
        proc.Process(700, new Dictionary<int, string> { [3] = "socket:[555]" }, startTime: 5000);
        proc.Process(70, new Dictionary<int, string> { [3] = "socket:[555]" }, startTime: 9000);
        proc.Process(7000, new Dictionary<int, string> { [3] = "socket:[555]" }, startTime: 1000);
        proc.Process(800, new Dictionary<int, string> { [4] = "socket:[556]" }, startTime: 100);
        proc.Process(80, new Dictionary<int, string> { [4] = "socket:[556]" }, startTime: 100);

        var owners = new SocketInodeOwners(proc.Path, native).Find([555, 556], Cancel);

        Assert.Equal(7000, owners.PidOf(555));
        Assert.Equal(80, owners.PidOf(556));
    }

    [Fact]
    public void A_shared_inode_whose_holders_exited_goes_to_the_lowest_pid()
    {
        using var proc = new FakeProc();
        proc.Process(90, new Dictionary<int, string> { [3] = "socket:[555]" });
        proc.Process(9, new Dictionary<int, string> { [3] = "socket:[555]" });

        Assert.Equal(9, new SocketInodeOwners(proc.Path, nativeWalk: true).Find([555], Cancel).PidOf(555));
    }

    [Theory]
    [MemberData(nameof(Walks))]
    public async Task Both_walks_find_the_owner_of_real_sockets_in_real_proc(bool native)
    {
        using var tcp = LocalScans.ListenTcp(IPAddress.Loopback);
        await using var child = await HeldSockets.StartAsync(Cancel, "tcp/127.0.0.1");
        var inodes = InodesOf(tcp.Port(), child.Sockets[0].Port);

        var owners = new SocketInodeOwners("/proc", native).Find(inodes.Values, Cancel);

        Assert.Equal(Environment.ProcessId, owners.PidOf(inodes[tcp.Port()]));
        Assert.Equal(child.Pid, owners.PidOf(inodes[child.Sockets[0].Port]));
    }

    [Fact]
    public async Task Processes_starting_and_exiting_during_the_walk_do_not_break_it()
    {
        using var tcp = LocalScans.ListenTcp(IPAddress.Loopback);
        var inode = InodesOf(tcp.Port())[tcp.Port()];
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        var spawned = 0;

        // Short-lived processes appear in /proc and vanish while the walk lists and reads them; between fork and
        // exec each one even holds a copy of the listener, but the test process started first and keeps it.
        var churn = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var process = Process.Start(new ProcessStartInfo("/bin/true") { UseShellExecute = false })!;
                await process.WaitForExitAsync(CancellationToken.None);
                spawned++;
            }
        }, CancellationToken.None);
        try
        {
            var clock = Stopwatch.StartNew();
            for (var walk = 0; walk < 200 && (walk < 20 || clock.Elapsed < TimeSpan.FromSeconds(5)); walk++)
            {
                var owners = new SocketInodeOwners("/proc", nativeWalk: walk % 2 == 0).Find([inode, ulong.MaxValue], Cancel);
                Assert.Equal(Environment.ProcessId, owners.PidOf(inode));
            }
        }
        finally
        {
            await stop.CancelAsync();
            await churn;
        }

        Assert.True(spawned > 0);
    }

    [Fact]
    public void A_name_cut_to_15_characters_is_completed_from_the_executable_or_argv0()
    {
        using var proc = new FakeProc();
        proc.Process(10, null, comm: "PortWarden.Sock", exe: "/opt/pw/PortWarden.SocketHolder", uid: 0);
        proc.Process(11, null, comm: "my-long-script-", exe: "/usr/bin/python3.11", cmdline: "/srv/bin/my-long-script-name --serve");
        proc.Process(12, null, comm: "exactly15chars!", exe: "/usr/bin/other");
        proc.Process(13, null, comm: "nginx", exe: "/usr/sbin/nginx-debug");
        var describer = new ProcessDescriber(proc.Path);

        Assert.Equal("PortWarden.SocketHolder", describer.Describe(10).Name);
        Assert.Equal("my-long-script-name", describer.Describe(11).Name);
        Assert.Equal("exactly15chars!", describer.Describe(12).Name);
        Assert.Equal("nginx", describer.Describe(13).Name);
    }

    [Fact]
    public void A_process_is_described_by_name_path_and_effective_user()
    {
        using var proc = new FakeProc();
        proc.Process(10, null, comm: "sshd", exe: "/usr/sbin/sshd", uid: 0);

        var process = new ProcessDescriber(proc.Path).Describe(10);

        Assert.Equal(new Core.Scanning.OwningProcess(10, "sshd", "/usr/sbin/sshd", "root"), process);
    }

    [Fact]
    public void A_user_without_an_account_is_shown_by_uid()
    {
        using var proc = new FakeProc();
        proc.Process(10, null, comm: "worker", uid: 3999999);

        Assert.Equal("3999999", new ProcessDescriber(proc.Path).Describe(10).User);
    }

    [Fact]
    public void A_process_that_vanished_keeps_its_pid_and_the_name_a_tool_printed()
    {
        using var proc = new FakeProc();
        var describer = new ProcessDescriber(proc.Path);

        Assert.Equal(new Core.Scanning.OwningProcess(42, null), describer.Describe(42));
        Assert.Equal(new Core.Scanning.OwningProcess(43, "nginx"), describer.Describe(43, "nginx"));
    }

    [Fact]
    public void Socket_links_parse_only_in_their_exact_form()
    {
        Assert.True(SocketInodeOwners.TryParseSocketLink("socket:[18446744073709551615]"u8, out var largest));
        Assert.Equal(ulong.MaxValue, largest);
        Assert.True(SocketInodeOwners.TryParseSocketLink("socket:[7]"u8, out var seven));
        Assert.Equal(7UL, seven);
        foreach (var text in new[] { "socket:[]", "socket:[12", "socket:12]", "pipe:[12]", "socket:[1a]", "/socket:[1]" })
        {
            Assert.False(SocketInodeOwners.TryParseSocketLink(System.Text.Encoding.UTF8.GetBytes(text), out _), text);
        }
    }

    [Fact]
    public void The_inode_table_finds_what_it_holds_and_nothing_else()
    {
        var inodes = Enumerable.Range(1, 5000).Select(i => (ulong)i * 3).Append(ulong.MaxValue).ToList();
        var table = new InodeTable(inodes);

        Assert.All(inodes, inode => Assert.True(table.Find(inode) >= 0));
        Assert.All(new ulong[] { 0, 1, 2, 4, 15001, ulong.MaxValue - 1 }, inode => Assert.Equal(-1, table.Find(inode)));
        table.PidAt(table.Find(3)) = 42;
        Assert.Equal(42, table.PidOf(3));
        Assert.Equal(0, table.PidOf(6));
        Assert.Equal(inodes.Count, table.Entries().Count());
    }

    private static Dictionary<ulong, int> Owned(InodeTable owners) =>
        owners.Entries().Where(entry => entry.Pid != 0).ToDictionary(entry => entry.Inode, entry => entry.Pid);

    /// <summary>The inodes of loopback TCP listeners, read from /proc/net/tcp.</summary>
    private static Dictionary<int, ulong> InodesOf(params int[] ports)
    {
        var found = new List<KernelSocket>();
        using var stream = File.OpenRead("/proc/net/tcp");
        var filter = new Local.LocalPortFilter(Core.Ports.PortSet.Of(ports), Core.Ports.PortSet.Empty);
        ProcNetTable.Read(stream, "tcp", Core.Ports.Protocol.Tcp, ProcNetTable.TcpListen, filter, found, new Local.LocalWarnings(null), BitConverter.IsLittleEndian);
        Assert.Equal(ports.Length, found.Count);
        return found.ToDictionary(socket => socket.Port, socket => socket.Inode);
    }
}
