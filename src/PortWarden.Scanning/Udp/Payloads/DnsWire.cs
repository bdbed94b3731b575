using System.Buffers.Binary;
using System.Text;

namespace PortWarden.Scanning.Udp.Payloads;

/// <summary>
/// The DNS message format (RFC 1035 section 4), as DNS, mDNS and NetBIOS name service use it: building a query
/// with one question, and reading a response's header and answer records (following name compression).
/// </summary>
internal static class DnsWire
{
    public const int HeaderLength = 12;
    public const ushort TypeTxt = 16;
    public const ushort TypePtr = 12;
    public const ushort ClassIn = 1;
    public const ushort ClassChaos = 3;

    /// <summary>A query with one question; <paramref name="flags"/> is the header's second word.</summary>
    public static byte[] Query(ushort id, ushort flags, string name, ushort type, ushort questionClass)
    {
        var encodedName = EncodeName(name);
        var message = new byte[HeaderLength + encodedName.Length + 4];
        BinaryPrimitives.WriteUInt16BigEndian(message, id);
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(2), flags);
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(4), 1);
        encodedName.CopyTo(message, HeaderLength);
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(HeaderLength + encodedName.Length), type);
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(HeaderLength + encodedName.Length + 2), questionClass);
        return message;
    }

    /// <summary>A domain name as length-prefixed labels ending with the root's zero byte.</summary>
    public static byte[] EncodeName(string name)
    {
        var bytes = new List<byte>();
        foreach (var label in name.TrimEnd('.').Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var encoded = Encoding.ASCII.GetBytes(label);
            bytes.Add((byte)encoded.Length);
            bytes.AddRange(encoded);
        }

        bytes.Add(0);
        return [.. bytes];
    }

    /// <summary>Reads a response: null unless it is one (QR bit set, counts that fit the message).</summary>
    public static DnsResponse? ReadResponse(ReadOnlySpan<byte> message)
    {
        if (message.Length < HeaderLength)
        {
            return null;
        }

        var flags = BinaryPrimitives.ReadUInt16BigEndian(message[2..]);
        if ((flags & 0x8000) == 0)
        {
            return null;
        }

        var questions = BinaryPrimitives.ReadUInt16BigEndian(message[4..]);
        var answers = BinaryPrimitives.ReadUInt16BigEndian(message[6..]);
        var offset = HeaderLength;
        for (var i = 0; i < questions; i++)
        {
            if (SkipName(message, ref offset) is false || offset + 4 > message.Length)
            {
                return null;
            }

            offset += 4;
        }

        var records = new List<DnsRecord>();
        for (var i = 0; i < answers && offset < message.Length; i++)
        {
            var name = ReadName(message, ref offset);
            if (name is null || offset + 10 > message.Length)
            {
                break;
            }

            var type = BinaryPrimitives.ReadUInt16BigEndian(message[offset..]);
            var length = BinaryPrimitives.ReadUInt16BigEndian(message[(offset + 8)..]);
            var dataOffset = offset + 10;
            if (dataOffset + length > message.Length)
            {
                break;
            }

            records.Add(new DnsRecord(name, type, dataOffset, length));
            offset = dataOffset + length;
        }

        return new DnsResponse(BinaryPrimitives.ReadUInt16BigEndian(message), flags & 0x000f, records);
    }

    /// <summary>The strings of a TXT record's data.</summary>
    public static IEnumerable<string> TxtStrings(byte[] message, DnsRecord record)
    {
        var offset = record.DataOffset;
        var end = record.DataOffset + record.DataLength;
        while (offset < end)
        {
            var length = message[offset];
            if (offset + 1 + length > end)
            {
                yield break;
            }

            yield return WireText.Printable(message.AsSpan(offset + 1, length));
            offset += 1 + length;
        }
    }

    /// <summary>Reads a possibly compressed name at <paramref name="offset"/>, moving past it; null when malformed.</summary>
    public static string? ReadName(ReadOnlySpan<byte> message, ref int offset)
    {
        var labels = new List<string>();
        var position = offset;
        var jumped = false;
        for (var steps = 0; steps < 128; steps++)
        {
            if (position >= message.Length)
            {
                return null;
            }

            var length = message[position];
            if (length == 0)
            {
                if (!jumped)
                {
                    offset = position + 1;
                }

                return string.Join('.', labels);
            }

            if ((length & 0xc0) == 0xc0)
            {
                if (position + 1 >= message.Length)
                {
                    return null;
                }

                if (!jumped)
                {
                    offset = position + 2;
                }

                jumped = true;
                position = ((length & 0x3f) << 8) | message[position + 1];
                continue;
            }

            if (position + 1 + length > message.Length)
            {
                return null;
            }

            labels.Add(WireText.Printable(message.Slice(position + 1, length)));
            position += 1 + length;
        }

        return null;
    }

    private static bool SkipName(ReadOnlySpan<byte> message, ref int offset) => ReadName(message, ref offset) is not null;

    /// <summary>The response code's name (RFC 1035, 2136).</summary>
    public static string RcodeName(int rcode) => rcode switch
    {
        0 => "NOERROR",
        1 => "FORMERR",
        2 => "SERVFAIL",
        3 => "NXDOMAIN",
        4 => "NOTIMP",
        5 => "REFUSED",
        _ => $"RCODE {rcode}",
    };
}

/// <summary>A DNS response's id, response code and answer records.</summary>
internal sealed record DnsResponse(ushort Id, int Rcode, IReadOnlyList<DnsRecord> Answers);

/// <summary>One resource record: its owner name, type, and where its data lies in the message.</summary>
internal sealed record DnsRecord(string Name, ushort Type, int DataOffset, int DataLength);
