using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace PortWarden.Scanning.Local.Windows;

/// <summary>The two IP Helper calls that list the listening TCP and the UDP endpoints with their owning pids.</summary>
[SupportedOSPlatform("windows")]
internal static unsafe partial class IpHelper
{
    public const uint AddressFamilyIPv4 = 2;
    public const uint AddressFamilyIPv6 = 23;

    /// <summary>TCP_TABLE_OWNER_PID_LISTENER: listening endpoints only, with pids.</summary>
    public const int TcpTableOwnerPidListener = 3;

    /// <summary>UDP_TABLE_OWNER_PID: every UDP endpoint, with pids.</summary>
    public const int UdpTableOwnerPid = 1;

    public const uint NoError = 0;
    public const uint ErrorInsufficientBuffer = 122;

    [LibraryImport("iphlpapi.dll", EntryPoint = "GetExtendedTcpTable")]
    public static partial uint GetExtendedTcpTable(
        byte* table, ref uint size, [MarshalAs(UnmanagedType.Bool)] bool sorted, uint family, int tableClass, uint reserved);

    [LibraryImport("iphlpapi.dll", EntryPoint = "GetExtendedUdpTable")]
    public static partial uint GetExtendedUdpTable(
        byte* table, ref uint size, [MarshalAs(UnmanagedType.Bool)] bool sorted, uint family, int tableClass, uint reserved);
}
