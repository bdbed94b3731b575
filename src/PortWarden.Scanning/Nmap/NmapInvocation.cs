using System.Net.Sockets;

namespace PortWarden.Scanning.Nmap;

/// <summary>One run of nmap: the argument vector (passed as a list, never through a shell) for the targets of one address family.</summary>
public sealed record NmapInvocation(AddressFamily Family, IReadOnlyList<string> Arguments)
{
    /// <summary>The arguments as a user would type them, for messages only.</summary>
    public override string ToString() => string.Join(' ', Arguments.Select(argument => argument.Contains(' ', StringComparison.Ordinal) ? $"'{argument}'" : argument));
}
