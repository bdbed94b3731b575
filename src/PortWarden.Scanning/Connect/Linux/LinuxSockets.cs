using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using PortWarden.Scanning.Native;

namespace PortWarden.Scanning.Connect.Linux;

/// <summary>The few libc socket and epoll calls the Linux connect driver makes, with Linux's constants.</summary>
internal static unsafe partial class LinuxSockets
{
    public const int EpollOut = 0x004;
    public const int EpollErr = 0x008;
    public const int EpollHup = 0x010;
    public const uint EpollEdgeTriggered = 1u << 31;
    public const int EpollCtlAdd = 1;
    public const int EpollCloseOnExec = 0x80000;

    public const int ErrInterrupted = 4;
    public const int ErrInProgress = 115;

    private const int SocketStream = 1;
    private const int SocketNonBlocking = 0x800;
    private const int SocketCloseOnExec = 0x80000;
    private const int IpProtoTcp = 6;
    private const int SolSocket = 1;
    private const int SoError = 4;
    private const int SoLinger = 13;

    /// <summary>x86 packs struct epoll_event to 12 bytes; other architectures align it to 16.</summary>
    public static readonly int EpollEventSize = RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.X86 ? 12 : 16;

    private static readonly int EpollDataOffset = EpollEventSize == 12 ? 4 : 8;

    public static int LastError => Marshal.GetLastPInvokeError();

    /// <summary>A non-blocking TCP socket; -1 with errno on failure.</summary>
    public static int OpenTcpSocket(AddressFamily family) =>
        Socket(SockAddr.Family(family), SocketStream | SocketNonBlocking | SocketCloseOnExec, IpProtoTcp);

    /// <summary>
    /// Closes a socket; a connected one with a reset (linger 0), so the target sees no orderly close and
    /// this machine keeps no TIME_WAIT entry. Sockets that never connected need no such option.
    /// </summary>
    public static void CloseAbortively(int fd, bool connected)
    {
        if (connected)
        {
            var linger = stackalloc int[2] { 1, 0 };
            SetSocketOption(fd, SolSocket, SoLinger, linger, sizeof(int) * 2);
        }

        Close(fd);
    }

    /// <summary>Starts a connect: 0 when connected at once, else the errno (EINPROGRESS while the handshake runs).</summary>
    public static int StartConnect(int fd, IPEndPoint endpoint)
    {
        Span<byte> address = stackalloc byte[28];
        var length = SockAddr.Write(endpoint, address);
        fixed (byte* pointer = address)
        {
            return Connect(fd, pointer, length) == 0 ? 0 : LastError;
        }
    }

    /// <summary>The pending error of a socket whose connect finished: 0 when it connected.</summary>
    public static int PendingError(int fd)
    {
        int error = 0, length = sizeof(int);
        return GetSocketOption(fd, SolSocket, SoError, &error, &length) == 0 ? error : LastError;
    }

    /// <summary>True when the socket connected to its own address and port (a local self-connection, not a listener).</summary>
    public static bool IsConnectedToItself(int fd, IPEndPoint endpoint)
    {
        Span<byte> local = stackalloc byte[28];
        Span<byte> target = stackalloc byte[28];
        var length = local.Length;
        fixed (byte* pointer = local)
        {
            if (GetSocketName(fd, pointer, &length) != 0)
            {
                return false;
            }
        }

        var targetLength = SockAddr.Write(endpoint, target);
        return local[..targetLength].SequenceEqual(target[..targetLength]);
    }

    public static int Register(int epoll, int fd, long data)
    {
        Span<byte> buffer = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(buffer, (uint)(EpollOut | EpollErr | EpollHup) | EpollEdgeTriggered);
        BinaryPrimitives.WriteInt64LittleEndian(buffer[EpollDataOffset..], data);
        fixed (byte* pointer = buffer)
        {
            return EpollCtl(epoll, EpollCtlAdd, fd, pointer) == 0 ? 0 : LastError;
        }
    }

    public static int Wait(int epoll, byte[] events, int timeoutMs)
    {
        fixed (byte* pointer = events)
        {
            return EpollWait(epoll, pointer, events.Length / EpollEventSize, timeoutMs);
        }
    }

    public static long EventData(byte[] events, int index) =>
        BinaryPrimitives.ReadInt64LittleEndian(events.AsSpan((index * EpollEventSize) + EpollDataOffset));

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    private static partial int Socket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "connect", SetLastError = true)]
    private static partial int Connect(int fd, byte* address, int length);

    [LibraryImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    private static partial int SetSocketOption(int fd, int level, int name, void* value, int length);

    [LibraryImport("libc", EntryPoint = "getsockopt", SetLastError = true)]
    private static partial int GetSocketOption(int fd, int level, int name, void* value, int* length);

    [LibraryImport("libc", EntryPoint = "getsockname", SetLastError = true)]
    private static partial int GetSocketName(int fd, byte* address, int* length);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    /// <summary>A new close-on-exec epoll instance; throws <see cref="IOException"/> with the errno when none can be made.</summary>
    public static int CreateEpoll()
    {
        var epoll = EpollCreate(EpollCloseOnExec);
        return epoll >= 0 ? epoll : throw new IOException($"epoll_create1 failed (errno {LastError})");
    }

    [LibraryImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    private static partial int EpollCreate(int flags);

    [LibraryImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    private static partial int EpollCtl(int epoll, int operation, int fd, byte* eventData);

    [LibraryImport("libc", EntryPoint = "epoll_wait", SetLastError = true)]
    private static partial int EpollWait(int epoll, byte* events, int maxEvents, int timeoutMs);
}
