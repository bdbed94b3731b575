namespace PortWarden.Scanning.Udp.Payloads;

/// <summary>The few ASN.1 BER pieces SNMP needs (X.690): definite-length TLVs, integers, strings and object identifiers.</summary>
internal static class Ber
{
    public const byte Integer = 0x02;
    public const byte OctetString = 0x04;
    public const byte Null = 0x05;
    public const byte ObjectIdentifier = 0x06;
    public const byte Sequence = 0x30;

    public static byte[] Tlv(byte tag, params byte[][] contents)
    {
        var body = contents.SelectMany(part => part).ToArray();
        return [tag, .. Length(body.Length), .. body];
    }

    public static byte[] Int(long value)
    {
        var bytes = new List<byte>();
        do
        {
            bytes.Insert(0, (byte)(value & 0xff));
            value >>= 8;
        }
        while (value != 0 && value != -1);

        if (value == 0 && (bytes[0] & 0x80) != 0)
        {
            bytes.Insert(0, 0);
        }

        return Tlv(Integer, [.. bytes]);
    }

    public static byte[] String(string text) => Tlv(OctetString, System.Text.Encoding.ASCII.GetBytes(text));

    public static byte[] Oid(params int[] arcs)
    {
        var bytes = new List<byte> { (byte)((arcs[0] * 40) + arcs[1]) };
        foreach (var arc in arcs.Skip(2))
        {
            var groups = new Stack<byte>();
            var value = arc;
            groups.Push((byte)(value & 0x7f));
            while ((value >>= 7) > 0)
            {
                groups.Push((byte)(0x80 | (value & 0x7f)));
            }

            bytes.AddRange(groups);
        }

        return Tlv(ObjectIdentifier, [.. bytes]);
    }

    private static byte[] Length(int length) => length switch
    {
        < 0x80 => [(byte)length],
        < 0x100 => [0x81, (byte)length],
        _ => [0x82, (byte)(length >> 8), (byte)length],
    };

    /// <summary>Reads one TLV at the reader's position; false when the data is not well-formed.</summary>
    public static bool TryRead(ReadOnlySpan<byte> data, ref int offset, out byte tag, out int contentOffset, out int contentLength)
    {
        tag = 0;
        contentOffset = contentLength = 0;
        if (offset + 2 > data.Length)
        {
            return false;
        }

        tag = data[offset];
        int length = data[offset + 1];
        var position = offset + 2;
        if ((length & 0x80) != 0)
        {
            var count = length & 0x7f;
            if (count is 0 or > 3 || position + count > data.Length)
            {
                return false;
            }

            length = 0;
            for (var i = 0; i < count; i++)
            {
                length = (length << 8) | data[position++];
            }
        }

        if (position + length > data.Length)
        {
            return false;
        }

        contentOffset = position;
        contentLength = length;
        offset = position + length;
        return true;
    }

    public static long ReadInteger(ReadOnlySpan<byte> content)
    {
        long value = content.Length > 0 && (content[0] & 0x80) != 0 ? -1 : 0;
        foreach (var b in content[..Math.Min(content.Length, 8)])
        {
            value = (value << 8) | b;
        }

        return value;
    }
}
