using System.Buffers.Binary;
using System.Net;
using PortWarden.Core.Ports;

namespace PortWarden.Scanning.Local.Linux;

/// <summary>
/// The NETLINK_SOCK_DIAG messages of a socket table dump (linux/inet_diag.h): the request for one family,
/// protocol and set of states, and the parsing of the inet_diag_msg answers. Netlink headers and the uid/inode
/// fields are in host byte order, ports and addresses in network order.
/// </summary>
internal static class SockDiagMessages
{
    public const int HeaderSize = 16;
    public const int RequestSize = HeaderSize + 56;

    /// <summary>Offsets in struct inet_diag_msg after the netlink header.</summary>
    private const int MessageSize = 72;
    private const int FamilyOffset = 0;
    private const int StateOffset = 1;
    private const int SourcePortOffset = 4;
    private const int SourceAddressOffset = 8;
    private const int InodeOffset = 68;

    private const ushort SockDiagByFamily = 20;
    private const ushort RequestFlag = 0x1;
    private const ushort DumpFlags = 0x300;
    private const ushort Done = 3;
    private const ushort Error = 2;
    public const byte FamilyIPv4 = 2;
    public const byte FamilyIPv6 = 10;
    private const byte TcpProtocol = 6;
    private const byte UdpProtocol = 17;

    /// <summary>Writes a dump request for the sockets of <paramref name="protocol"/> and <paramref name="family"/> in <paramref name="state"/>.</summary>
    public static void WriteRequest(Span<byte> buffer, Protocol protocol, byte family, int state, uint sequence)
    {
        buffer[..RequestSize].Clear();
        WriteNative(buffer, (uint)RequestSize);
        WriteNative(buffer[4..], SockDiagByFamily);
        WriteNative(buffer[6..], (ushort)(RequestFlag | DumpFlags));
        WriteNative(buffer[8..], sequence);
        var request = buffer[HeaderSize..];
        request[0] = family;
        request[1] = protocol == Protocol.Tcp ? TcpProtocol : UdpProtocol;
        WriteNative(request[4..], 1u << state);
    }

    /// <summary>
    /// Parses one received buffer of messages, adding the sockets whose port <paramref name="filter"/> wants;
    /// returns true once the dump is complete. A netlink error ends the dump with an exception naming the errno.
    /// </summary>
    public static bool Parse(ReadOnlySpan<byte> buffer, Protocol protocol, LocalPortFilter filter, List<KernelSocket> into)
    {
        while (buffer.Length >= HeaderSize)
        {
            var length = (int)ReadNative32(buffer);
            var type = ReadNative16(buffer[4..]);
            if (length < HeaderSize || length > buffer.Length)
            {
                throw new FormatException($"netlink message of {length} bytes in a buffer of {buffer.Length}");
            }

            switch (type)
            {
                case Done:
                    return true;
                case Error:
                    var errno = length >= HeaderSize + 4 ? -(int)ReadNative32(buffer[HeaderSize..]) : 0;
                    throw new SockDiagException(errno);
                case SockDiagByFamily when length >= HeaderSize + MessageSize:
                    Add(buffer.Slice(HeaderSize, MessageSize), protocol, filter, into);
                    break;
            }

            var aligned = (length + 3) & ~3;
            buffer = aligned >= buffer.Length ? [] : buffer[aligned..];
        }

        return false;
    }

    private static void Add(ReadOnlySpan<byte> message, Protocol protocol, LocalPortFilter filter, List<KernelSocket> into)
    {
        var port = BinaryPrimitives.ReadUInt16BigEndian(message[SourcePortOffset..]);
        if (!filter.Wants(protocol, port))
        {
            return;
        }

        var family = message[FamilyOffset];
        var address = new IPAddress(message.Slice(SourceAddressOffset, family == FamilyIPv4 ? 4 : 16));
        into.Add(new KernelSocket(protocol, LocalAddresses.Normalize(address), port, ReadNative32(message[InodeOffset..])));
    }

    /// <summary>The state a message reports (for tests): TCP_LISTEN, TCP_CLOSE, ….</summary>
    public static int StateOf(ReadOnlySpan<byte> message) => message[HeaderSize + StateOffset];

    private static uint ReadNative32(ReadOnlySpan<byte> bytes) => BitConverter.IsLittleEndian
        ? BinaryPrimitives.ReadUInt32LittleEndian(bytes)
        : BinaryPrimitives.ReadUInt32BigEndian(bytes);

    private static ushort ReadNative16(ReadOnlySpan<byte> bytes) => BitConverter.IsLittleEndian
        ? BinaryPrimitives.ReadUInt16LittleEndian(bytes)
        : BinaryPrimitives.ReadUInt16BigEndian(bytes);

    private static void WriteNative(Span<byte> bytes, uint value)
    {
        if (BitConverter.IsLittleEndian)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        }
    }

    private static void WriteNative(Span<byte> bytes, ushort value)
    {
        if (BitConverter.IsLittleEndian)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt16BigEndian(bytes, value);
        }
    }
}

/// <summary>The kernel refused a sock_diag dump (errno: ENOENT when the protocol's diag module is missing, …).</summary>
internal sealed class SockDiagException(int errno)
    : IOException($"sock_diag dump failed: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})")
{
    public int Errno { get; } = errno;
}
