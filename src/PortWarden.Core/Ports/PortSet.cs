namespace PortWarden.Core.Ports;

/// <summary>An immutable set of port numbers (1-65535) of one protocol, enumerated in ascending order.</summary>
public sealed class PortSet
{
    private const int WordCount = 65536 / 64;
    private readonly ulong[] bits;

    private PortSet(ulong[] bits)
    {
        this.bits = bits;
        Count = bits.Sum(word => System.Numerics.BitOperations.PopCount(word));
    }

    /// <summary>The set with no ports.</summary>
    public static PortSet Empty { get; } = new(new ulong[WordCount]);

    /// <summary>Number of ports in the set.</summary>
    public int Count { get; }

    public bool IsEmpty => Count == 0;

    public static PortSet Of(IEnumerable<int> ports)
    {
        var bits = new ulong[WordCount];
        foreach (var port in ports)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(port, PortRange.MinPort);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(port, PortRange.MaxPort);
            bits[port >> 6] |= 1UL << (port & 63);
        }

        return new PortSet(bits);
    }

    /// <summary>Ports of <paramref name="include"/> ranges that apply to <paramref name="protocol"/>, minus those of <paramref name="exclude"/>.</summary>
    public static PortSet From(IEnumerable<PortRange> include, IEnumerable<PortRange> exclude, Protocol protocol)
    {
        var bits = new ulong[WordCount];
        foreach (var range in include.Where(r => r.Protocols.Includes(protocol)))
        {
            for (var port = range.First; port <= range.Last; port++)
            {
                bits[port >> 6] |= 1UL << (port & 63);
            }
        }

        foreach (var range in exclude.Where(r => r.Protocols.Includes(protocol)))
        {
            for (var port = range.First; port <= range.Last; port++)
            {
                bits[port >> 6] &= ~(1UL << (port & 63));
            }
        }

        return new PortSet(bits);
    }

    public bool Contains(int port) =>
        port is >= PortRange.MinPort and <= PortRange.MaxPort && (bits[port >> 6] & (1UL << (port & 63))) != 0;

    /// <summary>The ports in ascending order.</summary>
    public IEnumerable<int> Ports()
    {
        for (var word = 0; word < WordCount; word++)
        {
            var value = bits[word];
            while (value != 0)
            {
                var bit = System.Numerics.BitOperations.TrailingZeroCount(value);
                yield return (word << 6) | bit;
                value &= value - 1;
            }
        }
    }

    /// <summary>The set as compact nmap-style ranges, e.g. "22,80,8000-8100".</summary>
    public override string ToString()
    {
        var parts = new List<string>();
        int? start = null;
        var previous = -2;
        foreach (var port in Ports())
        {
            if (port != previous + 1)
            {
                Flush();
                start = port;
            }

            previous = port;
        }

        Flush();
        return string.Join(',', parts);

        void Flush()
        {
            if (start is { } first)
            {
                parts.Add(first == previous ? $"{first}" : $"{first}-{previous}");
            }
        }
    }
}
