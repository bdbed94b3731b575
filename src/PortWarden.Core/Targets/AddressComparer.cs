using System.Net;

namespace PortWarden.Core.Targets;

/// <summary>Orders addresses numerically, IPv4 before IPv6.</summary>
public sealed class AddressComparer : IComparer<IPAddress>
{
    public static AddressComparer Instance { get; } = new();

    public int Compare(IPAddress? x, IPAddress? y)
    {
        if (x is null || y is null)
        {
            return x is null ? (y is null ? 0 : -1) : 1;
        }

        var family = x.AddressFamily.CompareTo(y.AddressFamily);
        return family != 0 ? family : x.GetAddressBytes().AsSpan().SequenceCompareTo(y.GetAddressBytes());
    }
}
