using System.Net;
using PortWarden.Core.Targets;

namespace PortWarden.Hub.Sharding;

/// <summary>Splits a device's targets into blocks of at most N addresses, each written as address ranges ("10.0.0.0-10.0.0.255 10.0.2.7").</summary>
public static class TargetBlocks
{
    public static IReadOnlyList<string> Split(TargetSet targets, int size)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        var blocks = new List<string>();
        var ranges = new List<string>();
        IPAddress? first = null;
        IPAddress? last = null;
        var count = 0;
        foreach (var target in targets.Enumerate())
        {
            if (last is not null && !Follows(last, target.Address))
            {
                ranges.Add(Range(first!, last));
                first = null;
            }

            first ??= target.Address;
            last = target.Address;
            if (++count == size)
            {
                ranges.Add(Range(first, last));
                blocks.Add(string.Join(' ', ranges));
                ranges.Clear();
                (first, last, count) = (null, null, 0);
            }
        }

        if (first is not null)
        {
            ranges.Add(Range(first, last!));
        }

        if (ranges.Count > 0)
        {
            blocks.Add(string.Join(' ', ranges));
        }

        return blocks;
    }

    private static bool Follows(IPAddress previous, IPAddress next) =>
        previous.AddressFamily == next.AddressFamily && Number(next) == Number(previous) + 1;

    private static UInt128 Number(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        UInt128 value = 0;
        foreach (var b in bytes)
        {
            value = (value << 8) | b;
        }

        return value;
    }

    private static string Range(IPAddress first, IPAddress last) => first.Equals(last) ? first.ToString() : $"{first}-{last}";
}
