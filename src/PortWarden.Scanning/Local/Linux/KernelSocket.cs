using System.Net;
using PortWarden.Core.Ports;

namespace PortWarden.Scanning.Local.Linux;

/// <summary>A socket from the kernel's tables (netlink or /proc/net): bind address, port, and the inode its owners' descriptors point at (0: none).</summary>
internal sealed record KernelSocket(Protocol Protocol, IPAddress Address, int Port, ulong Inode);
