using System.Runtime.InteropServices;

namespace PortWarden.Scanning.Local.Linux;

/// <summary>The libc calls a NETLINK_SOCK_DIAG dump needs.</summary>
internal static unsafe partial class Netlink
{
    public const int AddressFamilyNetlink = 16;
    public const int SocketRaw = 3;
    public const int SocketCloseOnExec = 0x80000;
    public const int ProtocolSockDiag = 4;

    public static int LastError => Marshal.GetLastPInvokeError();

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    public static partial int Socket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "sendto", SetLastError = true)]
    public static partial nint SendTo(int fd, byte* buffer, nuint length, int flags, byte* address, int addressLength);

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    public static partial nint Receive(int fd, byte* buffer, nuint length, int flags);

    [LibraryImport("libc", EntryPoint = "close")]
    public static partial int Close(int fd);
}
