using System.Net;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;

namespace PortWarden.Scanning.Local;

/// <summary>One listening TCP or bound UDP socket of this host: where it is bound and, when known, who owns it.</summary>
internal sealed record LocalSocket(Protocol Protocol, IPAddress Address, int Port, OwningProcess? Process);
