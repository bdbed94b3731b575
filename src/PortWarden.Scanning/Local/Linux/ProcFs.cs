using System.Runtime.InteropServices;

namespace PortWarden.Scanning.Local.Linux;

/// <summary>
/// The libc directory and link calls the socket-owner walk makes, so that reading a descriptor's link target
/// allocates nothing: names come from readdir's buffer, targets go to a stack buffer.
/// </summary>
internal static unsafe partial class ProcFs
{
    public const int ErrNoEntry = 2;
    public const int ErrAccess = 13;

    /// <summary>
    /// Offset of d_name in struct dirent on 64-bit Linux (glibc and musl alike: d_ino, d_off, d_reclen, d_type).
    /// 32-bit layouts differ between C libraries, so the native walk is used on 64-bit processes only.
    /// </summary>
    public const int DirectoryEntryNameOffset = 19;

    public static bool NativeWalkSupported => Environment.Is64BitProcess && OperatingSystem.IsLinux();

    public static int LastError => Marshal.GetLastPInvokeError();

    [LibraryImport("libc", EntryPoint = "opendir", SetLastError = true)]
    public static partial nint OpenDirectory(byte* path);

    [LibraryImport("libc", EntryPoint = "readdir", SetLastError = true)]
    public static partial byte* ReadDirectory(nint directory);

    [LibraryImport("libc", EntryPoint = "dirfd")]
    public static partial int DirectoryDescriptor(nint directory);

    [LibraryImport("libc", EntryPoint = "closedir")]
    public static partial int CloseDirectory(nint directory);

    [LibraryImport("libc", EntryPoint = "readlinkat", SetLastError = true)]
    public static partial nint ReadLinkAt(int directory, byte* path, byte* buffer, nuint size);

    [LibraryImport("libc", EntryPoint = "getpwuid_r")]
    public static partial int GetPasswordEntry(uint uid, byte* entry, byte* buffer, nuint size, byte** result);
}
