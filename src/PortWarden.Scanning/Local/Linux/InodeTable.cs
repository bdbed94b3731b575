using System.Numerics;

namespace PortWarden.Scanning.Local.Linux;

/// <summary>
/// Socket inode → owning pid, as a fixed-size open-addressing table: the descriptor walk looks up every socket
/// descriptor of every process here, and a plain table of longs is cheaper than a general dictionary (and is
/// compiled ahead of time with the assembly). Lookups may run on several threads once it is filled.
/// </summary>
internal sealed class InodeTable
{
    private readonly ulong[] keys;
    private readonly int[] values;
    private readonly int mask;

    /// <summary>A table holding <paramref name="inodes"/> (inode 0 is left out: it means "no inode"), each with pid 0.</summary>
    public InodeTable(IReadOnlyCollection<ulong> inodes)
    {
        var size = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, inodes.Count * 2));
        keys = new ulong[size];
        values = new int[size];
        mask = size - 1;
        foreach (var inode in inodes)
        {
            if (inode != 0)
            {
                keys[Slot(inode)] = inode;
            }
        }
    }

    /// <summary>The slot of <paramref name="inode"/>, or -1 when the table does not hold it.</summary>
    public int Find(ulong inode)
    {
        if (inode == 0)
        {
            return -1;
        }

        for (var slot = Hash(inode) & mask; ; slot = (slot + 1) & mask)
        {
            if (keys[slot] == inode)
            {
                return slot;
            }

            if (keys[slot] == 0)
            {
                return -1;
            }
        }
    }

    /// <summary>The pid recorded for <paramref name="inode"/>, or 0 when it has no owner or is not in the table.</summary>
    public int PidOf(ulong inode) => Find(inode) is var slot and >= 0 ? values[slot] : 0;

    /// <summary>The pid recorded in <paramref name="slot"/> (0: none yet).</summary>
    public ref int PidAt(int slot) => ref values[slot];

    /// <summary>Every held inode with its pid (0 when no owner was found).</summary>
    public IEnumerable<(ulong Inode, int Pid)> Entries()
    {
        for (var slot = 0; slot < keys.Length; slot++)
        {
            if (keys[slot] != 0)
            {
                yield return (keys[slot], values[slot]);
            }
        }
    }

    private int Slot(ulong inode)
    {
        var slot = Hash(inode) & mask;
        while (keys[slot] != 0 && keys[slot] != inode)
        {
            slot = (slot + 1) & mask;
        }

        return slot;
    }

    /// <summary>Inodes are mostly consecutive numbers: a multiplicative hash spreads them over the table.</summary>
    private static int Hash(ulong inode) => (int)((inode * 0x9E3779B97F4A7C15UL) >> 32);
}
