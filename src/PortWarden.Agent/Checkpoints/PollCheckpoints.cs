using System.Globalization;
using System.Text.Json;
using PortWarden.Agent.Wire;
using PortWarden.Scanning.Checkpoints;

namespace PortWarden.Agent.Checkpoints;

/// <summary>
/// The checkpoints of running and interrupted polls in the agent's data directory (checkpoints/, readable only by
/// its owner): per poll a scan checkpoint &lt;pollId&gt;.ckpt that grows as the scan decides ports, and
/// &lt;pollId&gt;.poll.json with what the poll needs to be finished later (see <see cref="SavedPollInfo"/>).
/// </summary>
public sealed class PollCheckpoints
{
    private const string CheckpointExtension = ".ckpt";
    private const string InfoSuffix = ".poll.json";

    private readonly TimeProvider time;

    public PollCheckpoints(string directory, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(directory);
        Directory = directory;
        this.time = time;
    }

    public string Directory { get; }

    /// <summary>The scan checkpoint file of a poll.</summary>
    public string CheckpointPath(Guid pollId) => Path.Combine(Directory, pollId.ToString("N", CultureInfo.InvariantCulture) + CheckpointExtension);

    private string InfoPath(Guid pollId) => Path.Combine(Directory, pollId.ToString("N", CultureInfo.InvariantCulture) + InfoSuffix);

    /// <summary>
    /// Starts (or, given <paramref name="previous"/>, continues) the checkpoint of a poll: writes its description first,
    /// so that a checkpoint file never exists without it, then the scan checkpoint with the records carried over.
    /// </summary>
    public async Task<CheckpointWriter> StartAsync(SavedPollInfo info, ScanDefinition definition, Checkpoint? previous, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(info);
        CreateDirectory();
        var infoPath = InfoPath(info.PollId);
        var temporary = infoPath + ".tmp";
        await File.WriteAllTextAsync(temporary, JsonSerializer.Serialize(info, WireJson.Options), cancellationToken).ConfigureAwait(false);
        OwnerOnly(temporary);
        File.Move(temporary, infoPath, overwrite: true);

        var writer = await CheckpointWriter.CreateAsync(CheckpointPath(info.PollId), definition, previous, time, cancellationToken).ConfigureAwait(false);
        OwnerOnly(CheckpointPath(info.PollId));
        return writer;
    }

    /// <summary>Removes a poll's checkpoint (it was delivered, or can never be finished).</summary>
    public void Delete(Guid pollId)
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return;
        }

        // The checkpoint goes first: a description left alone is cleaned up at the next start.
        File.Delete(CheckpointPath(pollId));
        File.Delete(InfoPath(pollId));
    }

    /// <summary>
    /// Every interrupted poll in the directory, read and checked; a poll whose files are missing, truncated or corrupt
    /// comes with the problem instead. Descriptions without a checkpoint (a crash between the two) are removed.
    /// </summary>
    public IReadOnlyList<FoundPoll> Find()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }

        var found = new List<FoundPoll>();
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, "*" + CheckpointExtension).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileNameWithoutExtension(path);
            if (!Guid.TryParseExact(name, "N", out var pollId))
            {
                continue;
            }

            found.Add(Read(pollId));
        }

        foreach (var info in System.IO.Directory.EnumerateFiles(Directory, "*" + InfoSuffix))
        {
            var name = Path.GetFileName(info)[..^InfoSuffix.Length];
            if (Guid.TryParseExact(name, "N", out var pollId) && !File.Exists(CheckpointPath(pollId)))
            {
                File.Delete(info);
            }
        }

        return found;
    }

    private FoundPoll Read(Guid pollId)
    {
        var infoPath = InfoPath(pollId);
        if (!File.Exists(infoPath))
        {
            return new FoundPoll(pollId, null, $"'{infoPath}' is missing");
        }

        SavedPollInfo? info;
        try
        {
            info = JsonSerializer.Deserialize<SavedPollInfo>(File.ReadAllText(infoPath), WireJson.Options);
        }
        catch (Exception error) when (error is JsonException or IOException or UnauthorizedAccessException)
        {
            return new FoundPoll(pollId, null, $"'{infoPath}' is corrupt: {error.Message}");
        }

        if (info?.Tracker is null || info.PollId != pollId)
        {
            return new FoundPoll(pollId, null, $"'{infoPath}' does not describe poll {pollId}");
        }

        try
        {
            return new FoundPoll(pollId, new SavedPoll(info, Checkpoint.Read(CheckpointPath(pollId))), null);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            // CheckpointException (an IOException) says what is wrong with the file and where.
            return new FoundPoll(pollId, null, error.Message);
        }
    }

    private void CreateDirectory()
    {
        System.IO.Directory.CreateDirectory(Directory);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static void OwnerOnly(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
