namespace PortWarden.Core.Ports;

/// <summary>An inclusive range of ports for one or both protocols.</summary>
public readonly record struct PortRange
{
    public const int MinPort = 1;
    public const int MaxPort = 65535;

    public PortRange(PortProtocols protocols, int first, int last)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(first, MinPort);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(last, MaxPort);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(first, last);
        if (protocols == PortProtocols.None)
        {
            throw new ArgumentOutOfRangeException(nameof(protocols), "a port range needs at least one protocol");
        }

        Protocols = protocols;
        First = first;
        Last = last;
    }

    public PortProtocols Protocols { get; }

    public int First { get; }

    public int Last { get; }

    public int Count => Last - First + 1;

    public override string ToString()
    {
        var prefix = Protocols switch
        {
            PortProtocols.Tcp => "T:",
            PortProtocols.Udp => "U:",
            _ => "",
        };
        return First == Last ? $"{prefix}{First}" : $"{prefix}{First}-{Last}";
    }
}
