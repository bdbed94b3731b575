using System.Buffers.Binary;
using System.Net;
using PortWarden.Core.Ports;
using PortWarden.Scanning.Local;
using PortWarden.Scanning.Local.Windows;

namespace PortWarden.Scanning.Tests;

/// <summary>
/// The row layouts of the Windows IP Helper tables, decoded from buffers composed here after the documented
/// MIB_*ROW_OWNER_PID structures (the calls themselves run on Windows only).
/// </summary>
public sealed class LocalIpHelperTablesTests
{
    [Fact]
    public void Ipv4_tcp_rows_give_listening_address_port_and_pid()
    {
        var table = Table(IpHelperTables.TcpRowSize,
            row => Tcp4(row, IpHelperTables.TcpStateListen, "127.0.0.1", 8080, 4321),
            row => Tcp4(row, 5, "192.0.2.10", 50432, 7788),
            row => Tcp4(row, IpHelperTables.TcpStateListen, "0.0.0.0", 135, 1004));

        Assert.Equal(["tcp 127.0.0.1:8080 4321", "tcp 0.0.0.0:135 1004"], Decode(table, Protocol.Tcp, ipv6: false));
    }

    [Fact]
    public void Ipv6_tcp_rows_give_listening_address_port_and_pid()
    {
        var table = Table(IpHelperTables.Tcp6RowSize,
            row => Tcp6(row, IpHelperTables.TcpStateListen, "::1", 49677, 4964),
            row => Tcp6(row, IpHelperTables.TcpStateListen, "::ffff:127.0.0.1", 80, 12),
            row => Tcp6(row, 5, "2001:db8::10", 50500, 7788));

        Assert.Equal(["tcp ::1:49677 4964", "tcp 127.0.0.1:80 12"], Decode(table, Protocol.Tcp, ipv6: true));
    }

    [Fact]
    public void Udp_rows_of_both_families_give_address_port_and_pid()
    {
        var v4 = Table(IpHelperTables.UdpRowSize, row =>
        {
            IPAddress.Parse("0.0.0.0").TryWriteBytes(row, out _);
            Port(row[4..], 5353);
            BinaryPrimitives.WriteInt32LittleEndian(row[8..], 2200);
        });
        var v6 = Table(IpHelperTables.Udp6RowSize, row =>
        {
            IPAddress.Parse("fe80::1c2d").TryWriteBytes(row, out _);
            BinaryPrimitives.WriteInt32LittleEndian(row[16..], 12);
            Port(row[20..], 1900);
            BinaryPrimitives.WriteInt32LittleEndian(row[24..], 3300);
        });

        Assert.Equal(["udp 0.0.0.0:5353 2200"], Decode(v4, Protocol.Udp, ipv6: false));
        Assert.Equal(["udp fe80::1c2d:1900 3300"], Decode(v6, Protocol.Udp, ipv6: true));
    }

    [Fact]
    public void Garbage_in_the_upper_half_of_a_port_dword_is_ignored()
    {
        var table = Table(IpHelperTables.TcpRowSize, row =>
        {
            Tcp4(row, IpHelperTables.TcpStateListen, "127.0.0.1", 443, 1);
            row[10] = 0xAB;
            row[11] = 0xCD;
        });

        Assert.Equal(["tcp 127.0.0.1:443 1"], Decode(table, Protocol.Tcp, ipv6: false));
    }

    [Fact]
    public void A_row_count_larger_than_the_buffer_is_refused()
    {
        var table = Table(IpHelperTables.UdpRowSize);
        BinaryPrimitives.WriteUInt32LittleEndian(table, 3);

        Assert.Throws<FormatException>(() => Decode(table, Protocol.Udp, ipv6: false));
        Assert.Throws<FormatException>(() => Decode([1, 0], Protocol.Udp, ipv6: false));
    }

    private static void Tcp4(Span<byte> row, int state, string address, int port, int pid)
    {
        BinaryPrimitives.WriteInt32LittleEndian(row, state);
        IPAddress.Parse(address).TryWriteBytes(row[4..], out _);
        Port(row[8..], port);
        BinaryPrimitives.WriteInt32LittleEndian(row[20..], pid);
    }

    private static void Tcp6(Span<byte> row, int state, string address, int port, int pid)
    {
        IPAddress.Parse(address).TryWriteBytes(row, out _);
        Port(row[20..], port);
        BinaryPrimitives.WriteInt32LittleEndian(row[48..], state);
        BinaryPrimitives.WriteInt32LittleEndian(row[52..], pid);
    }

    /// <summary>A port as IP Helper stores it: network byte order in the low 16 bits of a DWORD.</summary>
    private static void Port(Span<byte> dword, int port) => BinaryPrimitives.WriteUInt16BigEndian(dword, (ushort)port);

    private delegate void RowWriter(Span<byte> row);

    private static byte[] Table(int rowSize, params RowWriter[] rows)
    {
        var table = new byte[4 + (rows.Length * rowSize)];
        BinaryPrimitives.WriteUInt32LittleEndian(table, (uint)rows.Length);
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i](table.AsSpan(4 + (i * rowSize), rowSize));
        }

        return table;
    }

    private static List<string> Decode(byte[] table, Protocol protocol, bool ipv6)
    {
        var found = new List<LocalSocket>();
        IpHelperTables.Decode(table, protocol, ipv6, LocalPortFilter.All, found);
        return found.Select(s => $"{s.Protocol.ToWireName()} {s.Address}:{s.Port} {s.Process?.Pid}").ToList();
    }
}
