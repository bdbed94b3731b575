namespace PortWarden.Core.Ports;

/// <summary>Transport protocol of a port.</summary>
public enum Protocol
{
    Tcp,
    Udp,
}

/// <summary>Wire names of <see cref="Protocol"/> ("tcp", "udp").</summary>
public static class ProtocolNames
{
    public static string ToWireName(this Protocol protocol) => protocol switch
    {
        Protocol.Tcp => "tcp",
        Protocol.Udp => "udp",
        _ => throw new ArgumentOutOfRangeException(nameof(protocol)),
    };

    public static bool TryParse(string? text, out Protocol protocol)
    {
        switch (text?.Trim().ToUpperInvariant())
        {
            case "TCP":
                protocol = Protocol.Tcp;
                return true;
            case "UDP":
                protocol = Protocol.Udp;
                return true;
            default:
                protocol = default;
                return false;
        }
    }
}
