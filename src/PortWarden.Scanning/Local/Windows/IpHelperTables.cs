using System.Buffers.Binary;
using System.Net;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;

namespace PortWarden.Scanning.Local.Windows;

/// <summary>
/// Decodes the tables GetExtendedTcpTable/GetExtendedUdpTable fill: a DWORD row count, then fixed-size rows
/// (all DWORDs little-endian, addresses as bytes in network order, ports in network order in the low 16 bits
/// of a DWORD). Kept apart from the calls so the layouts are tested on every platform.
/// </summary>
internal static class IpHelperTables
{
    /// <summary>MIB_TCPROW_OWNER_PID: state, local address, local port, remote address, remote port, pid.</summary>
    public const int TcpRowSize = 24;

    /// <summary>MIB_TCP6ROW_OWNER_PID: local address[16], scope, port, remote address[16], scope, port, state, pid.</summary>
    public const int Tcp6RowSize = 56;

    /// <summary>MIB_UDPROW_OWNER_PID: local address, local port, pid.</summary>
    public const int UdpRowSize = 12;

    /// <summary>MIB_UDP6ROW_OWNER_PID: local address[16], scope, port, pid.</summary>
    public const int Udp6RowSize = 28;

    /// <summary>MIB_TCP_STATE_LISTEN.</summary>
    public const int TcpStateListen = 2;

    public static void Decode(ReadOnlySpan<byte> table, Protocol protocol, bool ipv6, LocalPortFilter filter, List<LocalSocket> into)
    {
        if (table.Length < 4)
        {
            throw new FormatException($"IP Helper table of {table.Length} bytes has no row count");
        }

        var rowSize = (protocol, ipv6) switch
        {
            (Protocol.Tcp, false) => TcpRowSize,
            (Protocol.Tcp, true) => Tcp6RowSize,
            (Protocol.Udp, false) => UdpRowSize,
            _ => Udp6RowSize,
        };
        var count = BinaryPrimitives.ReadUInt32LittleEndian(table);
        if (count > (uint)((table.Length - 4) / rowSize))
        {
            throw new FormatException($"IP Helper table claims {count} rows of {rowSize} bytes but holds {table.Length} bytes");
        }

        for (var i = 0; i < (int)count; i++)
        {
            var row = table.Slice(4 + (i * rowSize), rowSize);
            var (address, port, pid, listening) = (protocol, ipv6) switch
            {
                (Protocol.Tcp, false) => (new IPAddress(row.Slice(4, 4)), Port(row[8..]), Dword(row[20..]), Dword(row) == TcpStateListen),
                (Protocol.Tcp, true) => (new IPAddress(row[..16]), Port(row[20..]), Dword(row[52..]), Dword(row[48..]) == TcpStateListen),
                (Protocol.Udp, false) => (new IPAddress(row[..4]), Port(row[4..]), Dword(row[8..]), true),
                _ => (new IPAddress(row[..16]), Port(row[20..]), Dword(row[24..]), true),
            };
            if (listening && filter.Wants(protocol, port))
            {
                into.Add(new LocalSocket(protocol, LocalAddresses.Normalize(address), port, new OwningProcess(pid, null)));
            }
        }
    }

    private static int Port(ReadOnlySpan<byte> dword) => BinaryPrimitives.ReadUInt16BigEndian(dword);

    private static int Dword(ReadOnlySpan<byte> dword) => (int)BinaryPrimitives.ReadUInt32LittleEndian(dword);
}
