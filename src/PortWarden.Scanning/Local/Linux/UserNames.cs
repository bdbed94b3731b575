using System.Globalization;
using System.Runtime.InteropServices;

namespace PortWarden.Scanning.Local.Linux;

/// <summary>User names by uid through the C library (so NSS sources such as LDAP count too), remembered for one scan.</summary>
internal sealed class UserNames
{
    private readonly Dictionary<uint, string> names = [];

    /// <summary>The user's name, or the uid as text when no account has it.</summary>
    public string NameOf(uint uid)
    {
        if (!names.TryGetValue(uid, out var name))
        {
            names[uid] = name = Lookup(uid) ?? uid.ToString(CultureInfo.InvariantCulture);
        }

        return name;
    }

    private static unsafe string? Lookup(uint uid)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        // struct passwd is 48 bytes on 64-bit Linux, 28 on 32-bit; pw_name is its first field either way.
        var entry = stackalloc byte[64];
        for (var size = 1024; size <= 1 << 20; size *= 4)
        {
            var buffer = new byte[size];
            byte* result = null;
            int error;
            fixed (byte* pointer = buffer)
            {
                error = ProcFs.GetPasswordEntry(uid, entry, pointer, (nuint)size, &result);
                if (error == 0)
                {
                    return result == null ? null : Marshal.PtrToStringUTF8(*(nint*)entry);
                }
            }

            const int RangeError = 34;
            if (error != RangeError)
            {
                return null;
            }
        }

        return null;
    }
}
