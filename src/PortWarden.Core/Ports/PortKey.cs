namespace PortWarden.Core.Ports;

/// <summary>A port of one protocol, e.g. tcp/22; orders TCP before UDP, then by number.</summary>
public readonly record struct PortKey(Protocol Protocol, int Port) : IComparable<PortKey>
{
    public static bool operator <(PortKey left, PortKey right) => left.CompareTo(right) < 0;

    public static bool operator <=(PortKey left, PortKey right) => left.CompareTo(right) <= 0;

    public static bool operator >(PortKey left, PortKey right) => left.CompareTo(right) > 0;

    public static bool operator >=(PortKey left, PortKey right) => left.CompareTo(right) >= 0;

    public int CompareTo(PortKey other) => Protocol != other.Protocol ? Protocol.CompareTo(other.Protocol) : Port.CompareTo(other.Port);

    public override string ToString() => $"{Protocol.ToWireName()}/{Port}";
}
