namespace PortWarden.Core.Scanning;

/// <summary>Why a port or host got its state; the vocabulary nmap's "reason" uses, so results compare directly.</summary>
public static class Reasons
{
    public const string SynAck = "syn-ack";
    public const string ConnectionRefused = "conn-refused";
    public const string NoResponse = "no-response";
    public const string HostUnreachable = "host-unreach";
    public const string NetworkUnreachable = "net-unreach";
    public const string PortUnreachable = "port-unreach";
    public const string ProtocolUnreachable = "proto-unreach";
    public const string TimeExceeded = "time-exceeded";
    public const string AdminProhibited = "admin-prohibited";
    public const string UdpResponse = "udp-response";
    public const string Reset = "reset";

    /// <summary>The user said the host is up (host discovery skipped).</summary>
    public const string UserSet = "user-set";

    /// <summary>Read from the host's own socket table.</summary>
    public const string LocalSocket = "local-socket";
}
