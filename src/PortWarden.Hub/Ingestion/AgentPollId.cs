using System.Buffers.Binary;
using System.Security.Cryptography;

namespace PortWarden.Hub.Ingestion;

/// <summary>
/// The id under which the hub records an agent's poll whose id another agent used first. Derived, not random, so
/// that the same upload sent again maps to the same id and is still recognised as a repeat.
/// </summary>
public static class AgentPollId
{
    public static Guid Derive(long agentId, Guid pollId)
    {
        Span<byte> input = stackalloc byte[24];
        BinaryPrimitives.WriteInt64BigEndian(input, agentId);
        pollId.TryWriteBytes(input[8..], bigEndian: true, out _);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input, hash);
        var bytes = hash[..16];

        // An RFC 9562 version 8 (custom) UUID: the hash with the version and variant bits set.
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}
