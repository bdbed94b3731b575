namespace PortWarden.Core.Targets;

/// <summary>The set of values (0-255) one octet of an IPv4 pattern may take.</summary>
internal sealed class OctetSet
{
    private readonly ulong[] bits = new ulong[4];

    public int Count { get; private set; }

    public void AddRange(int first, int last)
    {
        for (var value = first; value <= last; value++)
        {
            ref var word = ref bits[value >> 6];
            var mask = 1UL << (value & 63);
            if ((word & mask) == 0)
            {
                word |= mask;
                Count++;
            }
        }
    }

    public bool Contains(byte value) => (bits[value >> 6] & (1UL << (value & 63))) != 0;

    /// <summary>The values as maximal inclusive ranges, ascending.</summary>
    public IReadOnlyList<(int First, int Last)> Ranges()
    {
        var ranges = new List<(int First, int Last)>();
        var start = -1;
        for (var value = 0; value <= 256; value++)
        {
            var inSet = value < 256 && Contains((byte)value);
            if (inSet && start < 0)
            {
                start = value;
            }
            else if (!inSet && start >= 0)
            {
                ranges.Add((start, value - 1));
                start = -1;
            }
        }

        return ranges;
    }

    public IEnumerable<byte> Values()
    {
        for (var value = 0; value < 256; value++)
        {
            if (Contains((byte)value))
            {
                yield return (byte)value;
            }
        }
    }
}
