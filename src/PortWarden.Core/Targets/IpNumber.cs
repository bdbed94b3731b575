using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace PortWarden.Core.Targets;

/// <summary>Addresses as unsigned numbers, so that ranges and prefixes are plain arithmetic.</summary>
internal static class IpNumber
{
    public static UInt128 From(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var written);
        return written == 4
            ? BinaryPrimitives.ReadUInt32BigEndian(bytes)
            : BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }

    public static IPAddress ToAddress(UInt128 value, AddressFamily family)
    {
        if (family == AddressFamily.InterNetwork)
        {
            Span<byte> v4 = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(v4, (uint)value);
            return new IPAddress(v4);
        }

        Span<byte> v6 = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(v6, value);
        return new IPAddress(v6);
    }

    public static int BitsOf(AddressFamily family) => family == AddressFamily.InterNetwork ? 32 : 128;

    /// <summary>The first and last address of the block of <paramref name="prefixLength"/> bits around <paramref name="address"/>.</summary>
    public static (UInt128 First, UInt128 Last) Block(IPAddress address, int prefixLength)
    {
        var bits = BitsOf(address.AddressFamily);
        var hostBits = bits - prefixLength;
        var hostMask = hostBits == 128 ? UInt128.MaxValue : (UInt128.One << hostBits) - 1;
        var first = From(address) & ~hostMask;
        return (first, first | hostMask);
    }
}
