using System.Buffers.Binary;
using PortWarden.Core.Scanning;

namespace PortWarden.Scanning.Udp.Payloads;

/// <summary>
/// ONC RPC (RFC 5531): a call of procedure 0 (NULL, which does nothing) with no authentication, to the
/// portmapper/rpcbind (program 100000, RFC 1833) or NFS (program 100003, RFC 1813). Any reply proves the service;
/// a version mismatch reply tells which versions it serves.
/// </summary>
internal sealed class RpcPayload : IUdpPayload
{
    private RpcPayload(string service, int port, uint program, uint version)
    {
        Service = service;
        Ports = [port];
        Program = program;
        ProgramVersion = version;
    }

    public static RpcPayload Portmapper { get; } = new("rpcbind", 111, 100000, 2);

    public static RpcPayload Nfs { get; } = new("nfs", 2049, 100003, 3);

    public string Service { get; }

    public IReadOnlyList<int> Ports { get; }

    public uint Program { get; }

    public uint ProgramVersion { get; }

    public byte[] Build(ushort id)
    {
        var call = new byte[40];
        BinaryPrimitives.WriteUInt32BigEndian(call, 0x5057_0000u | id); // xid
        BinaryPrimitives.WriteUInt32BigEndian(call.AsSpan(4), 0);        // CALL
        BinaryPrimitives.WriteUInt32BigEndian(call.AsSpan(8), 2);        // RPC version 2
        BinaryPrimitives.WriteUInt32BigEndian(call.AsSpan(12), Program);
        BinaryPrimitives.WriteUInt32BigEndian(call.AsSpan(16), ProgramVersion);
        BinaryPrimitives.WriteUInt32BigEndian(call.AsSpan(20), 0);       // NULL procedure; credential and verifier AUTH_NONE follow as zeros
        return call;
    }

    public ServiceMatch? Recognise(ReadOnlySpan<byte> answer)
    {
        if (answer.Length < 24 || BinaryPrimitives.ReadUInt32BigEndian(answer[4..]) != 1)
        {
            return null;
        }

        var replyStatus = BinaryPrimitives.ReadUInt32BigEndian(answer[8..]);
        if (replyStatus == 1)
        {
            return new ServiceMatch(Service, new ServiceDetail("ONC RPC", null, "call denied"));
        }

        var verifierLength = BinaryPrimitives.ReadUInt32BigEndian(answer[16..]);
        var acceptOffset = 20 + (int)Math.Min(verifierLength, 400);
        if (replyStatus != 0 || acceptOffset + 4 > answer.Length)
        {
            return null;
        }

        var accepted = BinaryPrimitives.ReadUInt32BigEndian(answer[acceptOffset..]);
        var extra = accepted switch
        {
            0 => $"program {Program} version {ProgramVersion}",
            2 when acceptOffset + 12 <= answer.Length => $"program {Program} versions {BinaryPrimitives.ReadUInt32BigEndian(answer[(acceptOffset + 4)..])}-{BinaryPrimitives.ReadUInt32BigEndian(answer[(acceptOffset + 8)..])}",
            1 => $"program {Program} unavailable",
            _ => $"accept status {accepted}",
        };
        return new ServiceMatch(Service, new ServiceDetail("ONC RPC", null, extra));
    }
}
