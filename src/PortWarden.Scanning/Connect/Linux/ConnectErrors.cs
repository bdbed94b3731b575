namespace PortWarden.Scanning.Connect.Linux;

/// <summary>What a Linux errno from connect() says about the target.</summary>
internal static class ConnectErrors
{
    public static ConnectOutcome Classify(int errno) => errno switch
    {
        0 => ConnectOutcome.Accepted,
        111 or 104 => ConnectOutcome.Refused,                    // ECONNREFUSED, ECONNRESET
        113 or 112 => ConnectOutcome.HostUnreachable,            // EHOSTUNREACH, EHOSTDOWN
        101 or 100 => ConnectOutcome.NetworkUnreachable,         // ENETUNREACH, ENETDOWN
        1 or 13 => ConnectOutcome.Prohibited,                    // EPERM, EACCES (a local firewall)
        99 or 24 or 23 or 105 or 11 or 12 => ConnectOutcome.LocalShortage, // EADDRNOTAVAIL, EMFILE, ENFILE, ENOBUFS, EAGAIN, ENOMEM
        _ => ConnectOutcome.Silent,                              // ETIMEDOUT and anything unexpected
    };
}
