namespace PortWarden.Scanning.Connect;

/// <summary>What one connect() attempt found.</summary>
internal enum ConnectOutcome
{
    /// <summary>The handshake completed: the port is open.</summary>
    Accepted,

    /// <summary>The host answered with a reset (or ICMP port unreachable): the port is closed.</summary>
    Refused,

    /// <summary>ICMP host unreachable or administratively prohibited.</summary>
    HostUnreachable,

    /// <summary>A firewall on this machine refused the connection (EPERM/EACCES).</summary>
    Prohibited,

    /// <summary>ICMP network unreachable, or no route.</summary>
    NetworkUnreachable,

    /// <summary>No answer within the timeout.</summary>
    Silent,

    /// <summary>
    /// This machine ran out of something (ports, descriptors, buffers), or the socket connected to itself:
    /// the attempt says nothing about the target.
    /// </summary>
    LocalShortage,
}
