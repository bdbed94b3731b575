using System.Net;
using System.Net.Sockets;

namespace PortWarden.Core.Targets;

/// <summary>One entry of a target specification: an address, a range, an octet pattern or a host name.</summary>
public abstract record TargetEntry(string Token, int Position)
{
    /// <summary>Number of addresses the entry stands for.</summary>
    public abstract UInt128 Count { get; }

    /// <summary>True when the address is one of the entry's.</summary>
    public abstract bool Contains(IPAddress address);

    /// <summary>The entry's hosts, lazily, in ascending order.</summary>
    public abstract IEnumerable<ScanTarget> Enumerate();
}

/// <summary>A single address, possibly the resolution of a host name.</summary>
public sealed record SingleAddressEntry(string Token, int Position, IPAddress Address, string? HostName = null)
    : TargetEntry(Token, Position)
{
    public override UInt128 Count => 1;

    public override bool Contains(IPAddress address) => Address.Equals(address)
        || (address.AddressFamily == Address.AddressFamily && IpNumber.From(address) == IpNumber.From(Address));

    public override IEnumerable<ScanTarget> Enumerate() => [new ScanTarget(Address, HostName)];
}

/// <summary>A contiguous block of addresses: a CIDR prefix or a full "first-last" range.</summary>
public sealed record AddressRangeEntry(string Token, int Position, AddressFamily Family, UInt128 First, UInt128 Last)
    : TargetEntry(Token, Position)
{
    public override UInt128 Count => Last - First == UInt128.MaxValue ? UInt128.MaxValue : Last - First + 1;

    public override bool Contains(IPAddress address)
    {
        if (address.AddressFamily != Family)
        {
            return false;
        }

        var value = IpNumber.From(address);
        return value >= First && value <= Last;
    }

    /// <summary>The fewest CIDR blocks that together are exactly this range, in ascending order.</summary>
    public IEnumerable<(IPAddress Network, int PrefixLength)> CidrBlocks()
    {
        var bits = IpNumber.BitsOf(Family);
        var value = First;
        while (true)
        {
            // The largest block that starts at value (aligned to its size) and does not pass Last.
            var hostBits = value == UInt128.Zero ? bits : Math.Min(bits, (int)UInt128.TrailingZeroCount(value));
            while (BlockLast(value, hostBits) > Last)
            {
                hostBits--;
            }

            yield return (IpNumber.ToAddress(value, Family), bits - hostBits);
            var last = BlockLast(value, hostBits);
            if (last == Last)
            {
                yield break;
            }

            value = last + 1;
        }

        static UInt128 BlockLast(UInt128 start, int hostBits) => hostBits >= 128 ? UInt128.MaxValue : start + ((UInt128.One << hostBits) - 1);
    }

    public override IEnumerable<ScanTarget> Enumerate()
    {
        for (var value = First; ; value++)
        {
            yield return new ScanTarget(IpNumber.ToAddress(value, Family));
            if (value == Last)
            {
                yield break;
            }
        }
    }
}

/// <summary>An nmap-style IPv4 octet pattern such as "10.0.1-3.1-254" or "192.168.1,3.*": each octet a set of values.</summary>
public sealed record OctetPatternEntry : TargetEntry
{
    private readonly OctetSet[] octets;

    internal OctetPatternEntry(string token, int position, OctetSet[] octets)
        : base(token, position)
    {
        this.octets = octets;
    }

    public override UInt128 Count => octets.Aggregate(UInt128.One, (product, octet) => product * (uint)octet.Count);

    /// <summary>The values octet <paramref name="index"/> (0-3) may take, as maximal inclusive ranges in ascending order.</summary>
    public IReadOnlyList<(int First, int Last)> OctetRanges(int index) => octets[index].Ranges();

    public override bool Contains(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetwork)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[4];
        address.TryWriteBytes(bytes, out _);
        for (var i = 0; i < 4; i++)
        {
            if (!octets[i].Contains(bytes[i]))
            {
                return false;
            }
        }

        return true;
    }

    public override IEnumerable<ScanTarget> Enumerate()
    {
        foreach (var a in octets[0].Values())
        {
            foreach (var b in octets[1].Values())
            {
                foreach (var c in octets[2].Values())
                {
                    foreach (var d in octets[3].Values())
                    {
                        yield return new ScanTarget(new IPAddress(new[] { a, b, c, d }));
                    }
                }
            }
        }
    }
}

/// <summary>A host name, optionally with a prefix length ("example.org/28"); resolved once, before scanning.</summary>
public sealed record HostNameEntry(string Token, int Position, string Name, int? PrefixLength)
    : TargetEntry(Token, Position)
{
    public override UInt128 Count => PrefixLength is { } prefix ? UInt128.One << (32 - Math.Min(prefix, 32)) : 1;

    public override bool Contains(IPAddress address) =>
        throw new InvalidOperationException($"host name '{Name}' must be resolved before use");

    public override IEnumerable<ScanTarget> Enumerate() =>
        throw new InvalidOperationException($"host name '{Name}' must be resolved before use");
}
