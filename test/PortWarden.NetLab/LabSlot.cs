using System.Globalization;

namespace PortWarden.NetLab;

/// <summary>
/// A numbered slot (0-255) that names one lab host's namespace, interfaces and address blocks, held through
/// a lock file so that test processes running side by side never collide. Slots of processes that died are
/// cleaned up and reused.
/// </summary>
internal sealed class LabSlot : IDisposable
{
    private const string Directory = "/run/portwarden-netlab";
    public const int Count = 256;

    private LabSlot(int number) => Number = number;

    public int Number { get; }

    public string Namespace => $"pwlab{Number}";

    public string HostInterface => $"pwh{Number}";

    public string LabInterface => $"pwn{Number}";

    public static async Task<LabSlot> AcquireAsync(CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var start = Random.Shared.Next(Count);
        for (var i = 0; i < Count; i++)
        {
            var number = (start + i) % Count;
            var path = LockPath(number);
            if (TryCreate(path))
            {
                var slot = new LabSlot(number);
                await slot.RemoveLeftoversAsync(cancellationToken).ConfigureAwait(false);
                return slot;
            }

            if (IsStale(path))
            {
                var slot = new LabSlot(number);
                await slot.RemoveLeftoversAsync(cancellationToken).ConfigureAwait(false);
                File.Delete(path);
                if (TryCreate(path))
                {
                    return slot;
                }
            }
        }

        throw new InvalidOperationException($"all {Count} lab slots are taken (see {Directory})");
    }

    /// <summary>Deletes this slot's namespace and host-side interface if a crashed run left them behind.</summary>
    public async Task RemoveLeftoversAsync(CancellationToken cancellationToken)
    {
        await TryRunAsync(["netns", "del", Namespace], cancellationToken).ConfigureAwait(false);
        await TryRunAsync(["link", "del", HostInterface], cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => File.Delete(LockPath(Number));

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
