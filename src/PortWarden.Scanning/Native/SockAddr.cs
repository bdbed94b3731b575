using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace PortWarden.Scanning.Native;

/// <summary>Linux sockaddr_in / sockaddr_in6 encoding, for the engines that call the socket API directly.</summary>
internal static class SockAddr
{
    public const ushort AfInet = 2;
    public const ushort AfInet6 = 10;

    /// <summary>Room for either family.</summary>
    public const int MaxLength = 28;

    public static ushort Family(AddressFamily family) => family == AddressFamily.InterNetwork ? AfInet : AfInet6;

    /// <summary>Writes <paramref name="endpoint"/> into <paramref name="buffer"/> (at least <see cref="MaxLength"/> bytes) and returns its length.</summary>
    public static int Write(IPEndPoint endpoint, Span<byte> buffer)
    {
        buffer.Clear();
        BinaryPrimitives.WriteUInt16BigEndian(buffer[2..], (ushort)endpoint.Port);
        if (endpoint.AddressFamily == AddressFamily.InterNetwork)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(buffer, AfInet);
            endpoint.Address.TryWriteBytes(buffer[4..8], out _);
            return 16;
        }

        BinaryPrimitives.WriteUInt16LittleEndian(buffer, AfInet6);
        endpoint.Address.TryWriteBytes(buffer[8..24], out _);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer[24..], (uint)endpoint.Address.ScopeId);
        return MaxLength;
    }

    /// <summary>The endpoint in <paramref name="buffer"/>, or null for another address family.</summary>
    public static IPEndPoint? Read(ReadOnlySpan<byte> buffer)
    {
        var family = BinaryPrimitives.ReadUInt16LittleEndian(buffer);
        var port = BinaryPrimitives.ReadUInt16BigEndian(buffer[2..]);
        return family switch
        {
            AfInet => new IPEndPoint(new IPAddress(buffer[4..8]), port),
            AfInet6 => new IPEndPoint(new IPAddress(buffer[8..24]), port),
            _ => null,
        };
    }
}
