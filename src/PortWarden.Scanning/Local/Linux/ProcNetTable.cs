using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Text;
using PortWarden.Core.Ports;

namespace PortWarden.Scanning.Local.Linux;

/// <summary>
/// Parser of the kernel's socket tables /proc/net/{tcp,tcp6,udp,udp6}. Each line after the header is
/// "sl: local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode …"; addresses are
/// hex dumps of the 32-bit words of the address in host byte order (so 127.0.0.1 reads 0100007F on
/// little-endian machines), ports plain hex. Lines are parsed from byte spans, a chunk at a time, however long
/// they are; lines that do not parse are skipped with a warning.
/// </summary>
internal static class ProcNetTable
{
    /// <summary>TCP_LISTEN: the only TCP state a listening socket has.</summary>
    public const int TcpListen = 0x0A;

    /// <summary>TCP_CLOSE: what an unconnected (bound, "listening") UDP socket shows; a connected one shows 01.</summary>
    public const int UdpUnconnected = 0x07;

    private const int FieldCount = 10;
    private const string Expected = "'sl: local_address rem_address st tx_queue:rx_queue tr:when retrnsmt uid timeout inode'";

    /// <summary>
    /// Reads a whole table from <paramref name="stream"/>, adding the sockets in <paramref name="state"/> whose
    /// port <paramref name="filter"/> wants to <paramref name="into"/>.
    /// </summary>
    public static void Read(
        Stream stream, string name, Protocol protocol, int state, LocalPortFilter filter, List<KernelSocket> into,
        LocalWarnings warnings, bool littleEndian, int bufferSize = 64 * 1024)
    {
        var buffer = new byte[bufferSize];
        var filled = 0;
        var lineNumber = 0;
        while (true)
        {
            if (filled == buffer.Length)
            {
                // A line longer than the buffer: grow it rather than split the line.
                Array.Resize(ref buffer, buffer.Length * 2);
            }

            var read = stream.Read(buffer, filled, buffer.Length - filled);
            filled += read;
            var pending = buffer.AsSpan(0, filled);
            var consumed = 0;
            while (true)
            {
                var end = pending[consumed..].IndexOf((byte)'\n');
                if (end < 0)
                {
                    break;
                }

                Accept(pending.Slice(consumed, end), ++lineNumber);
                consumed += end + 1;
            }

            if (read == 0)
            {
                if (consumed < filled)
                {
                    Accept(pending[consumed..], ++lineNumber);
                }

                return;
            }

            pending[consumed..].CopyTo(buffer);
            filled -= consumed;
        }

        void Accept(ReadOnlySpan<byte> line, int number)
        {
            var text = line.TrimEnd((byte)'\r');
            if (text.Trim((byte)' ').IsEmpty || (number == 1 && IsHeader(text)))
            {
                return;
            }

            Span<byte> address = stackalloc byte[16];
            if (!TryParse(text, littleEndian, address, out var entry))
            {
                warnings.Warn(name, $"{name} line {number}: expected {Expected}, got '{Excerpt(text)}': skipped");
                return;
            }

            // Only now, for a socket that is kept, is anything allocated. Inode 0 (a socket being torn down, no
            // longer attached to a file) keeps its port, reported without owner.
            if (entry.State == state && filter.Wants(protocol, entry.Port))
            {
                var bound = LocalAddresses.Normalize(new IPAddress(address[..entry.AddressLength]));
                into.Add(new KernelSocket(protocol, bound, entry.Port, entry.Inode));
            }
        }
    }

    /// <summary>The header line, "  sl  local_address rem_address …".</summary>
    public static bool IsHeader(ReadOnlySpan<byte> line) => line.TrimStart((byte)' ').StartsWith("sl "u8);

    /// <summary>
    /// Parses one table line, writing the local address (network byte order) to <paramref name="address"/> (16 bytes);
    /// false when the line is not a well-formed socket entry.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> line, bool littleEndian, Span<byte> address, out ProcNetEntry entry)
    {
        entry = default;
        Span<Range> fields = stackalloc Range[FieldCount + 1];
        var count = Split(line, fields);
        if (count < FieldCount)
        {
            return false;
        }

        var slot = line[fields[0]];
        if (slot.Length < 2 || slot[^1] != (byte)':' || !IsDecimal(slot[..^1]))
        {
            return false;
        }

        if (!TryParseEndpoint(line[fields[1]], littleEndian, address, out var addressLength, out var port)
            || !TryParseEndpoint(line[fields[2]], littleEndian, stackalloc byte[16], out _, out _)
            || line[fields[3]].Length != 2 || !TryParseHex(line[fields[3]], out var state)
            || !int.TryParse(line[fields[7]], NumberStyles.None, CultureInfo.InvariantCulture, out var uid)
            || !ulong.TryParse(line[fields[9]], NumberStyles.None, CultureInfo.InvariantCulture, out var inode))
        {
            return false;
        }

        entry = new ProcNetEntry(addressLength, (int)port, (int)state, uid, inode);
        return true;
    }

    /// <summary>"0100007F:1F90" → the address bytes in network order and the port.</summary>
    private static bool TryParseEndpoint(ReadOnlySpan<byte> text, bool littleEndian, Span<byte> address, out int length, out uint port)
    {
        length = 0;
        port = 0;
        var colon = text.IndexOf((byte)':');
        if (colon is not (8 or 32) || text.Length - colon - 1 != 4 || !TryParseHex(text[(colon + 1)..], out port))
        {
            return false;
        }

        for (var word = 0; word < colon / 8; word++)
        {
            if (!TryParseHex(text.Slice(word * 8, 8), out var value))
            {
                return false;
            }

            var bytes = address.Slice(word * 4, 4);
            if (littleEndian)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
            }
            else
            {
                BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
            }
        }

        length = colon / 2;
        return true;
    }

    private static bool TryParseHex(ReadOnlySpan<byte> text, out uint value) =>
        uint.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value) && !text.IsEmpty && text.Length <= 8;

    private static bool IsDecimal(ReadOnlySpan<byte> text) => !text.IsEmpty && text.IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0;

    /// <summary>Splits on runs of spaces; returns the number of fields found (at most the span's length).</summary>
    private static int Split(ReadOnlySpan<byte> line, Span<Range> fields)
    {
        var count = 0;
        var position = 0;
        while (count < fields.Length)
        {
            var start = line[position..].IndexOfAnyExcept((byte)' ', (byte)'\t');
            if (start < 0)
            {
                break;
            }

            start += position;
            var length = line[start..].IndexOfAny((byte)' ', (byte)'\t');
            var end = length < 0 ? line.Length : start + length;
            fields[count++] = new Range(start, end);
            position = end;
        }

        return count;
    }

    private static string Excerpt(ReadOnlySpan<byte> line)
    {
        var text = Encoding.UTF8.GetString(line.Length > 80 ? line[..80] : line).Trim();
        return line.Length > 80 ? text + "…" : text;
    }
}

/// <summary>One parsed line of a /proc/net table: local address length (4 or 16 bytes), port, state, owner uid and inode.</summary>
internal readonly record struct ProcNetEntry(int AddressLength, int Port, int State, int Uid, ulong Inode);

