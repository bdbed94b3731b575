using PortWarden.Core.Scanning;

namespace PortWarden.Scanning.Udp.Payloads;

/// <summary>
/// SNMP (RFC 1157 v1, RFC 1901/3416 v2c, RFC 3412/3414 v3). v1 and v2c probes are GetRequests for sysDescr.0
/// with the community "public", which agents with that default answer with their system description; the v3
/// probe is the engine-discovery request (no user, reportable flag) that every v3 agent answers with a Report,
/// whatever its communities. Attempts on a port take turns between the versions (v2c, v3, v1).
/// </summary>
internal sealed class SnmpPayload : IUdpPayload
{
    private const byte GetRequest = 0xa0;
    private const byte GetResponse = 0xa2;
    private const byte Report = 0xa8;
    private static readonly int[] SysDescr = [1, 3, 6, 1, 2, 1, 1, 1, 0];

    private SnmpPayload(int version) => Version = version;

    /// <summary>The message version field: 0 for v1, 1 for v2c, 3 for v3.</summary>
    public int Version { get; }

    public static SnmpPayload V1 { get; } = new(0);

    public static SnmpPayload V2c { get; } = new(1);

    public static SnmpPayload V3 { get; } = new(3);

    public string Service => "snmp";

    public IReadOnlyList<int> Ports { get; } = [161];

    public byte[] Build(ushort id)
    {
        if (Version == 3)
        {
            var header = Ber.Tlv(Ber.Sequence, Ber.Int(id), Ber.Int(65507), Ber.Tlv(Ber.OctetString, [0x04]), Ber.Int(3));
            var usm = Ber.Tlv(Ber.Sequence, Ber.String(""), Ber.Int(0), Ber.Int(0), Ber.String(""), Ber.String(""), Ber.String(""));
            var scoped = Ber.Tlv(Ber.Sequence, Ber.String(""), Ber.String(""),
                Ber.Tlv(GetRequest, Ber.Int(id), Ber.Int(0), Ber.Int(0), Ber.Tlv(Ber.Sequence)));
            return Ber.Tlv(Ber.Sequence, Ber.Int(3), header, Ber.Tlv(Ber.OctetString, usm), scoped);
        }

        var binding = Ber.Tlv(Ber.Sequence, Ber.Oid(SysDescr), Ber.Tlv(Ber.Null));
        var pdu = Ber.Tlv(GetRequest, Ber.Int(id), Ber.Int(0), Ber.Int(0), Ber.Tlv(Ber.Sequence, binding));
        return Ber.Tlv(Ber.Sequence, Ber.Int(Version), Ber.String("public"), pdu);
    }

    public ServiceMatch? Recognise(ReadOnlySpan<byte> answer)
    {
        var offset = 0;
        if (!Ber.TryRead(answer, ref offset, out var tag, out var start, out var length) || tag != Ber.Sequence)
        {
            return null;
        }

        var message = answer.Slice(start, length);
        var position = 0;
        if (!Ber.TryRead(message, ref position, out tag, out var versionStart, out var versionLength) || tag != Ber.Integer)
        {
            return null;
        }

        var version = Ber.ReadInteger(message.Slice(versionStart, versionLength));
        return version switch
        {
            0 or 1 => RecogniseCommunityResponse(message, position, version == 0 ? "v1" : "v2c"),
            3 => new ServiceMatch(Service, new ServiceDetail("SNMP", "v3", "engine discovery answered")),
            _ => null,
        };
    }

    private ServiceMatch? RecogniseCommunityResponse(ReadOnlySpan<byte> message, int position, string version)
    {
        if (!Ber.TryRead(message, ref position, out var tag, out var communityStart, out var communityLength) || tag != Ber.OctetString
            || !Ber.TryRead(message, ref position, out tag, out var pduStart, out var pduLength) || tag is not (GetResponse or Report))
        {
            return null;
        }

        var community = WireText.Printable(message.Slice(communityStart, communityLength));
        var description = FirstStringValue(message.Slice(pduStart, pduLength));
        return new ServiceMatch(Service, new ServiceDetail("SNMP", version, $"community {community}") { Banner = description });
    }

    /// <summary>The first OCTET STRING value among the PDU's variable bindings (sysDescr's value), or null.</summary>
    private static string? FirstStringValue(ReadOnlySpan<byte> pdu)
    {
        var position = 0;
        for (var i = 0; i < 3; i++)
        {
            if (!Ber.TryRead(pdu, ref position, out _, out _, out _))
            {
                return null;
            }
        }

        if (!Ber.TryRead(pdu, ref position, out var tag, out var listStart, out var listLength) || tag != Ber.Sequence)
        {
            return null;
        }

        var list = pdu.Slice(listStart, listLength);
        var inner = 0;
        if (!Ber.TryRead(list, ref inner, out tag, out var bindingStart, out var bindingLength) || tag != Ber.Sequence)
        {
            return null;
        }

        var binding = list.Slice(bindingStart, bindingLength);
        var field = 0;
        if (!Ber.TryRead(binding, ref field, out _, out _, out _)
            || !Ber.TryRead(binding, ref field, out tag, out var valueStart, out var valueLength) || tag != Ber.OctetString)
        {
            return null;
        }

        return WireText.Printable(binding.Slice(valueStart, valueLength), 300);
    }
}
