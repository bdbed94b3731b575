using System.Globalization;

namespace PortWarden.NetLab;

/// <summary>
/// A numbered slot (0-127) that names one lab host's namespace, interfaces and address blocks, held through
/// lock files so that test processes running side by side never collide. Slot N owns 198.18.N.0/24 (the link),
/// 198.18.(N+128).0/24 (source addresses of this machine) and 198.19.N.0/24 (the hosts); it holds the lock files
/// of both N and N+128, so it also never collides with an older lab that numbered 256 slots, one /24 each.
/// Slots of processes that died are cleaned up and reused.
/// </summary>
internal sealed class LabSlot : IDisposable
{
    private const string Directory = "/run/portwarden-netlab";
    public const int Count = 128;

    private LabSlot(int number) => Number = number;

    public int Number { get; }

    public string Namespace => $"pwlab{Number}";

    public string HostInterface => $"pwh{Number}";

    public string LabInterface => $"pwn{Number}";

    /// <summary>The third octet of this slot's block of source addresses, 198.18.SourceBlock.0/24.</summary>
    public int SourceBlock => Number + Count;

    public static async Task<LabSlot> AcquireAsync(CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var start = Random.Shared.Next(Count);
        for (var i = 0; i < Count; i++)
        {
            var number = (start + i) % Count;
            if (TryLock(number) is not { } slot)
            {
                continue;
            }

            if (TryLock(number + Count) is null)
            {
                File.Delete(LockPath(number));
                continue;
            }

            await slot.RemoveLeftoversAsync(cancellationToken).ConfigureAwait(false);
            return slot;
        }

        throw new InvalidOperationException($"all {Count} lab slots are taken (see {Directory})");
    }

    /// <summary>Deletes this slot's namespace and host-side interface (and those of the older plan's twin slot) if a crashed run left them behind.</summary>
    public async Task RemoveLeftoversAsync(CancellationToken cancellationToken)
    {
        foreach (var number in new[] { Number, SourceBlock })
        {
            await TryRunAsync(["netns", "del", $"pwlab{number}"], cancellationToken).ConfigureAwait(false);
            await TryRunAsync(["link", "del", $"pwh{number}"], cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        File.Delete(LockPath(SourceBlock));
        File.Delete(LockPath(Number));
    }

    /// <summary>Takes lock file <paramref name="number"/>: a free one, or a stale one of a dead process.</summary>
    private static LabSlot? TryLock(int number)
    {
        var path = LockPath(number);
        if (TryCreate(path))
        {
            return new LabSlot(number % Count);
        }

        if (IsStale(path))
        {
            File.Delete(path);
            if (TryCreate(path))
            {
                return new LabSlot(number % Count);
            }
        }

        return null;
    }

    private static async Task TryRunAsync(string[] arguments, CancellationToken cancellationToken)
    {
        try
        {
            await Command.RunAsync("ip", arguments, null, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // Nothing to remove.
        }
    }

    private static string LockPath(int number) => Path.Combine(Directory, $"{number}.lock");

    private static bool TryCreate(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
            using var writer = new StreamWriter(stream);
            writer.Write(Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static bool IsStale(string path)
    {
        try
        {
            var text = File.ReadAllText(path).Trim();
            return !int.TryParse(text, CultureInfo.InvariantCulture, out var pid) || !System.IO.Directory.Exists($"/proc/{pid}");
        }
        catch (IOException)
        {
            return false;
        }
    }
}
