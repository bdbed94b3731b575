using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using PortWarden.Scanning.Connect.Linux;
using PortWarden.Scanning.Native;

namespace PortWarden.Scanning.Udp.Linux;

/// <summary>
/// The libc calls of the Linux UDP driver: non-blocking datagram sockets with IP_RECVERR/IPV6_RECVERR, sendto,
/// recvfrom, and recvmsg(MSG_ERRQUEUE), which hands over each ICMP error with its type, code, the address that sent
/// it (struct sock_extended_err and SO_EE_OFFENDER) and the original datagram's destination and payload.
/// </summary>
internal static unsafe partial class UdpSockets
{
    public const int ErrInterrupted = 4;
    public const int ErrAgain = 11;
    public const int ErrNoBuffers = 105;
    public const int ErrNoMemory = 12;
    public const int ErrPermission = 1;
    public const int ErrAccess = 13;
    public const int ErrAddressNotAvailable = 99;
    public const int ErrConnectionRefused = 111;
    public const int ErrHostUnreachable = 113;
    public const int ErrNetworkUnreachable = 101;
    public const int ErrProtocol = 71;

    private const int EpollIn = 0x001;
    private const int EpollErr = 0x008;
    private const int EpollCtlAdd = 1;
    private const int SocketDatagram = 2;
    private const int SocketNonBlocking = 0x800;
    private const int SocketCloseOnExec = 0x80000;
    private const int SolSocket = 1;
    private const int SoReceiveBuffer = 8;
    private const int SolIp = 0;
    private const int IpRecvErr = 11;
    private const int SolIpv6 = 41;
    private const int Ipv6RecvErr = 25;
    private const int Ipv6V6Only = 26;
    private const int MsgErrQueue = 0x2000;
    private const int MsgDontWait = 0x40;
    private const byte OriginIcmp = 2;
    private const byte OriginIcmp6 = 3;

    public static int LastError => Marshal.GetLastPInvokeError();

    /// <summary>A non-blocking UDP socket bound to <paramref name="source"/> (port chosen by the system) that queues ICMP errors; throws on failure.</summary>
    public static int Open(IPAddress? source, AddressFamily family)
    {
        var fd = Socket(SockAddr.Family(family), SocketDatagram | SocketNonBlocking | SocketCloseOnExec, 17);
        if (fd < 0)
        {
            throw new IOException($"cannot open a UDP socket (errno {LastError})");
        }

        var one = 1;
        var buffer = 1 << 21;
        SetSocketOption(fd, SolSocket, SoReceiveBuffer, &buffer, sizeof(int));
        var recvErr = family == AddressFamily.InterNetwork
            ? SetSocketOption(fd, SolIp, IpRecvErr, &one, sizeof(int))
            : SetSocketOption(fd, SolIpv6, Ipv6V6Only, &one, sizeof(int)) | SetSocketOption(fd, SolIpv6, Ipv6RecvErr, &one, sizeof(int));
        Span<byte> address = stackalloc byte[28];
        var length = SockAddr.Write(new IPEndPoint(source ?? (family == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any), 0), address);
        int bound;
        fixed (byte* pointer = address)
        {
            bound = Bind(fd, pointer, length);
        }

        if (recvErr != 0 || bound != 0)
        {
            var error = LastError;
            LinuxSockets.Close(fd);
            throw new IOException(error == ErrAddressNotAvailable
                ? $"cannot send from {source}: it is not an address of this machine"
                : $"cannot prepare a UDP socket on {source?.ToString() ?? "the default address"} (errno {error})");
        }

        return fd;
    }

    public static int Register(int epoll, int fd, long data)
    {
        Span<byte> buffer = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(buffer, EpollIn | EpollErr);
        BinaryPrimitives.WriteInt64LittleEndian(buffer[(LinuxSockets.EpollEventSize == 12 ? 4 : 8)..], data);
        fixed (byte* pointer = buffer)
        {
            return EpollCtl(epoll, EpollCtlAdd, fd, pointer) == 0 ? 0 : LastError;
        }
    }

    /// <summary>Sends a datagram: 0, or the errno.</summary>
    public static int SendTo(int fd, IPEndPoint destination, byte[] payload)
    {
        Span<byte> address = stackalloc byte[28];
        var length = SockAddr.Write(destination, address);
        fixed (byte* data = payload)
        fixed (byte* pointer = address)
        {
            return SendTo(fd, data, (nuint)payload.Length, MsgDontWait, pointer, length) >= 0 ? 0 : LastError;
        }
    }

    /// <summary>Receives one datagram: its length and sender, or -1 with the errno in <paramref name="error"/>.</summary>
    public static int ReceiveFrom(int fd, byte[] buffer, out IPEndPoint? from, out int error)
    {
        Span<byte> address = stackalloc byte[28];
        var length = address.Length;
        nint received;
        fixed (byte* data = buffer)
        fixed (byte* pointer = address)
        {
            received = ReceiveFrom(fd, data, (nuint)buffer.Length, MsgDontWait, pointer, &length);
        }

        error = received < 0 ? LastError : 0;
        from = received < 0 ? null : SockAddr.Read(address);
        return (int)received;
    }

    /// <summary>
    /// Takes one queued ICMP error: the original datagram's destination, the ICMP family, type, code and sender, and
    /// the length of the quoted payload copied into <paramref name="payload"/>; false when the queue is empty.
    /// </summary>
    public static bool ReceiveError(int fd, byte[] payload, out QueuedError queued)
    {
        queued = default;
        Span<byte> name = stackalloc byte[28];
        Span<byte> control = stackalloc byte[256];
        fixed (byte* data = payload)
        fixed (byte* namePointer = name)
        fixed (byte* controlPointer = control)
        {
            var vector = new IoVector { Base = data, Length = (nuint)payload.Length };
            var header = new MessageHeader
            {
                Name = namePointer,
                NameLength = (uint)name.Length,
                Vector = &vector,
                VectorLength = 1,
                Control = controlPointer,
                ControlLength = (nuint)control.Length,
            };
            var received = ReceiveMessage(fd, &header, MsgErrQueue | MsgDontWait);
            if (received < 0)
            {
                return false;
            }

            var destination = SockAddr.Read(name);
            for (var offset = 0; offset + 16 <= (int)header.ControlLength;)
            {
                var cmsgLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(control[offset..]);
                var level = BinaryPrimitives.ReadInt32LittleEndian(control[(offset + 8)..]);
                var type = BinaryPrimitives.ReadInt32LittleEndian(control[(offset + 12)..]);
                if (cmsgLength < 16)
                {
                    break;
                }

                if ((level == SolIp && type == IpRecvErr) || (level == SolIpv6 && type == Ipv6RecvErr))
                {
                    var extended = control[(offset + 16)..];
                    var origin = extended[4];
                    var offender = cmsgLength >= 16 + 16 + 8 ? SockAddr.Read(extended[16..]) : null;
                    queued = new QueuedError(
                        destination,
                        origin is OriginIcmp or OriginIcmp6,
                        origin == OriginIcmp6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork,
                        extended[5],
                        extended[6],
                        offender?.Address,
                        (int)received);
                    return true;
                }

                offset += (cmsgLength + 7) & ~7;
            }

            queued = new QueuedError(destination, false, AddressFamily.Unspecified, 0, 0, null, (int)received);
            return true;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct IoVector
    {
        public byte* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MessageHeader
    {
        public byte* Name;
        public uint NameLength;
        public IoVector* Vector;
        public nuint VectorLength;
        public byte* Control;
        public nuint ControlLength;
        public int Flags;
    }

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    private static partial int Socket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "bind", SetLastError = true)]
    private static partial int Bind(int fd, byte* address, int length);

    [LibraryImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    private static partial int SetSocketOption(int fd, int level, int name, void* value, int length);

    [LibraryImport("libc", EntryPoint = "sendto", SetLastError = true)]
    private static partial nint SendTo(int fd, byte* data, nuint length, int flags, byte* address, int addressLength);

    [LibraryImport("libc", EntryPoint = "recvfrom", SetLastError = true)]
    private static partial nint ReceiveFrom(int fd, byte* data, nuint length, int flags, byte* address, int* addressLength);

    [LibraryImport("libc", EntryPoint = "recvmsg", SetLastError = true)]
    private static partial nint ReceiveMessage(int fd, MessageHeader* message, int flags);

    [LibraryImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    private static partial int EpollCtl(int epoll, int operation, int fd, byte* eventData);
}

/// <summary>One entry of a socket's error queue.</summary>
internal readonly record struct QueuedError(
    IPEndPoint? Destination, bool IsIcmp, AddressFamily IcmpFamily, byte Type, byte Code, IPAddress? Offender, int PayloadLength);
