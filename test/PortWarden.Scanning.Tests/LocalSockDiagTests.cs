using System.Buffers.Binary;
using System.Net;
using PortWarden.Core.Ports;
using PortWarden.Scanning.Local;
using PortWarden.Scanning.Local.Linux;

namespace PortWarden.Scanning.Tests;

/// <summary>The netlink sock_diag messages: the request's layout and the parsing of answers (linux/inet_diag.h).</summary>
public sealed class LocalSockDiagTests
{
    [Fact]
    public void A_dump_request_asks_for_one_family_protocol_and_state()
    {
        var request = new byte[SockDiagMessages.RequestSize];

        SockDiagMessages.WriteRequest(request, Protocol.Udp, SockDiagMessages.FamilyIPv6, state: 7, sequence: 9);

        Assert.Equal(72u, BinaryPrimitives.ReadUInt32LittleEndian(request));
        Assert.Equal(20, BinaryPrimitives.ReadUInt16LittleEndian(request.AsSpan(4)));
        Assert.Equal(0x301, BinaryPrimitives.ReadUInt16LittleEndian(request.AsSpan(6)));
        Assert.Equal(9u, BinaryPrimitives.ReadUInt32LittleEndian(request.AsSpan(8)));
        Assert.Equal([10, 17], request[16..18]);
        Assert.Equal(1u << 7, BinaryPrimitives.ReadUInt32LittleEndian(request.AsSpan(20)));
        Assert.All(request[24..], b => Assert.Equal(0, b));
    }

    [Fact]
    public void Answers_give_address_port_and_inode_until_the_done_message()
    {
        var buffer = Messages(
            Socket(2, "127.0.0.1", 8080, 4242),
            Socket(10, "::ffff:127.0.0.1", 8081, 4243, attributes: 5),
            Socket(10, "fe80::1", 53, 4244),
            Done());
        var found = new List<KernelSocket>();

        var complete = SockDiagMessages.Parse(buffer, Protocol.Tcp, LocalPortFilter.All, found);

        Assert.True(complete);
        Assert.Equal(
            ["127.0.0.1:8080 #4242", "127.0.0.1:8081 #4243", "fe80::1:53 #4244"],
            found.Select(s => $"{s.Address}:{s.Port} #{s.Inode}"));
    }

    [Fact]
    public void A_buffer_without_the_done_message_asks_for_more_and_unwanted_ports_are_left_out()
    {
        var found = new List<KernelSocket>();
        var filter = new LocalPortFilter(PortSet.Of([22]), PortSet.Empty);

        var complete = SockDiagMessages.Parse(Messages(Socket(2, "0.0.0.0", 22, 1), Socket(2, "0.0.0.0", 23, 2)), Protocol.Tcp, filter, found);

        Assert.False(complete);
        Assert.Equal(22, Assert.Single(found).Port);
    }

    [Fact]
    public void An_error_message_names_the_errno()
    {
        var error = new byte[20];
        BinaryPrimitives.WriteUInt32LittleEndian(error, 20);
        BinaryPrimitives.WriteUInt16LittleEndian(error.AsSpan(4), 2);
        BinaryPrimitives.WriteInt32LittleEndian(error.AsSpan(16), -2);

        var thrown = Assert.Throws<SockDiagException>(() => SockDiagMessages.Parse(error, Protocol.Udp, LocalPortFilter.All, []));

        Assert.Equal(2, thrown.Errno);
    }

    [Fact]
    public void A_message_longer_than_the_buffer_is_refused()
    {
        var message = Socket(2, "127.0.0.1", 80, 1);
        BinaryPrimitives.WriteUInt32LittleEndian(message, 4000);

        Assert.Throws<FormatException>(() => SockDiagMessages.Parse(message, Protocol.Tcp, LocalPortFilter.All, []));
    }

    /// <summary>One inet_diag_msg answer, with <paramref name="attributes"/> bytes of trailing attributes (unaligned on purpose).</summary>
    private static byte[] Socket(byte family, string address, int port, uint inode, int attributes = 0)
    {
        var length = 16 + 72 + attributes;
        var message = new byte[(length + 3) & ~3];
        BinaryPrimitives.WriteUInt32LittleEndian(message, (uint)length);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(4), 20);
        message[16] = family;
        message[17] = 10;
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(16 + 4), (ushort)port);
        IPAddress.Parse(address).TryWriteBytes(message.AsSpan(16 + 8), out _);
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(16 + 68), inode);
        return message;
    }

    private static byte[] Done()
    {
        var message = new byte[20];
        BinaryPrimitives.WriteUInt32LittleEndian(message, 20);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(4), 3);
        return message;
    }

    private static byte[] Messages(params byte[][] messages) => messages.SelectMany(m => m).ToArray();
}
