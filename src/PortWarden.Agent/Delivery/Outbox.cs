using System.Globalization;
using System.Text.Json;
using PortWarden.Agent.Wire;

namespace PortWarden.Agent.Delivery;

/// <summary>
/// Finished polls waiting for the hub, one file each in the agent's data directory, named so that they sort
/// in the order they were made. Written atomically (temp file, then rename) so a crash never leaves half a
/// poll; removed only after the hub has acknowledged them.
/// </summary>
/// <remarks>
/// A file's name starts with its place in the queue: a 19-digit sequence number that continues from the highest
/// one already in the directory. It does not come from the clock, so a clock stepped back (NTP, a VM restored)
/// or a restart cannot put a newer poll before an older one, and it cannot overflow. Files named by older
/// versions (a clock-derived key that could overflow and sort backwards) are renamed into the sequence when the
/// outbox opens, in the order of the polls they hold.
/// </remarks>
public sealed class Outbox
{
    private const int KeyDigits = 19;
    private readonly string directory;
    private readonly string rejected;
    private long sequence;

    public Outbox(string directory)
    {
        this.directory = directory;
        rejected = Path.Combine(directory, "rejected");
        Directory.CreateDirectory(directory);
        sequence = Pending().Select(KeyOf).DefaultIfEmpty(0).Max();
        RenumberLegacyFiles();
    }

    /// <summary>Raised after a poll is added, so the sender can stop waiting.</summary>
    public event EventHandler? Added;

    public int Count => Pending().Count();

    public void Add(PollUpload upload)
    {
        ArgumentNullException.ThrowIfNull(upload);
        var path = PathFor(Interlocked.Increment(ref sequence), upload.PollId);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(upload, WireJson.Options));
        File.Move(temporary, path);
        Added?.Invoke(this, EventArgs.Empty);
    }

    /// <summary>Whether a poll is waiting here (its files are named after its id).</summary>
    public bool Contains(Guid pollId) =>
        Pending().Any(path => path.EndsWith($"-{pollId:N}.json", StringComparison.Ordinal));

    /// <summary>The oldest waiting poll, or null.</summary>
    public (string Path, PollUpload Upload)? Oldest()
    {
        foreach (var path in Pending())
        {
            if (Read(path) is { } upload)
            {
                return (path, upload);
            }

            // A file that cannot be read will never deliver: set it aside and carry on with the rest.
            Reject(path, "unreadable");
        }

        return null;
    }

    public void Delivered(string path)
    {
        if (Path.GetDirectoryName(Path.GetFullPath(path)) != Path.GetFullPath(directory))
        {
            throw new ArgumentException($"'{path}' is not in the outbox", nameof(path));
        }

        File.Delete(path);
    }

    /// <summary>Moves a poll the hub refused out of the queue, keeping it (and why) for the operator.</summary>
    public void Reject(string path, string reason)
    {
        Directory.CreateDirectory(rejected);
        var target = Path.Combine(rejected, Path.GetFileName(path));
        File.Move(path, target, overwrite: true);
        File.WriteAllText(target + ".reason", reason);
    }

    /// <summary>Queued polls in queue order: fixed-width, non-negative keys, so ordinal name order is key order.</summary>
    private IEnumerable<string> Pending() =>
        Directory.EnumerateFiles(directory, "*.json").Where(path => KeyOf(path) > 0).Order(StringComparer.Ordinal);

    private string PathFor(long key, Guid pollId) =>
        Path.Combine(directory, $"{key.ToString($"D{KeyDigits}", CultureInfo.InvariantCulture)}-{pollId:N}.json");

    /// <summary>The queue key of a file named by this version, or 0 for any other name.</summary>
    private static long KeyOf(string path)
    {
        var name = Path.GetFileName(path);
        return name.Length > KeyDigits && name[KeyDigits] == '-'
            && long.TryParse(name.AsSpan(0, KeyDigits), NumberStyles.None, CultureInfo.InvariantCulture, out var key) ? key : 0;
    }

    /// <summary>Gives files of older versions keys after the current ones, ordered by when their polls started.</summary>
    private void RenumberLegacyFiles()
    {
        var legacy = Directory.EnumerateFiles(directory, "*.json")
            .Where(path => KeyOf(path) == 0)
            .Select(path => (Path: path, Upload: Read(path)))
            .ToList();
        foreach (var (path, upload) in legacy.Where(file => file.Upload is null))
        {
            Reject(path, "unreadable");
        }

        foreach (var (path, upload) in legacy.Where(file => file.Upload is not null).OrderBy(file => file.Upload!.StartedAt).ThenBy(file => file.Upload!.FinishedAt))
        {
            File.Move(path, PathFor(++sequence, upload!.PollId));
        }
    }

    private static PollUpload? Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<PollUpload>(File.ReadAllText(path), WireJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
