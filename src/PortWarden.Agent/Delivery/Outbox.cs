using System.Text.Json;
using PortWarden.Agent.Wire;

namespace PortWarden.Agent.Delivery;

/// <summary>
/// Finished polls waiting for the hub, one file each in the agent's data directory, named so that they sort
/// in the order they were made. Written atomically (temp file, then rename) so a crash never leaves half a
/// poll; removed only after the hub has acknowledged them.
/// </summary>
public sealed class Outbox
{
    private readonly string directory;
    private readonly string rejected;
    private readonly TimeProvider time;
    private long sequence;

    public Outbox(string directory, TimeProvider time)
    {
        this.directory = directory;
        this.time = time;
        rejected = Path.Combine(directory, "rejected");
        Directory.CreateDirectory(directory);
    }

    /// <summary>Raised after a poll is added, so the sender can stop waiting.</summary>
    public event EventHandler? Added;

    public int Count => Pending().Count();

    public void Add(PollUpload upload)
    {
        ArgumentNullException.ThrowIfNull(upload);
        var order = time.GetUtcNow().UtcTicks * 1000 + Interlocked.Increment(ref sequence) % 1000;
        var path = Path.Combine(directory, $"{order:D22}-{upload.PollId:N}.json");
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
            try
            {
                var upload = JsonSerializer.Deserialize<PollUpload>(File.ReadAllText(path), WireJson.Options);
                if (upload is not null)
                {
                    return (path, upload);
                }
            }
            catch (JsonException)
            {
                // A file that cannot be read will never deliver: set it aside and carry on with the rest.
            }

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

    private IEnumerable<string> Pending() =>
        Directory.EnumerateFiles(directory, "*.json").Order(StringComparer.Ordinal);
}
