using System.Text.Json;
using PortWarden.Agent.Wire;

namespace PortWarden.Agent;

/// <summary>
/// What an agent keeps between runs in its data directory: its identity (agent.json, readable only by its
/// owner), the last trackers it was given (so it keeps polling while the hub is away) and when each last ran.
/// Files are replaced atomically.
/// </summary>
public sealed class AgentState
{
    private readonly Lock gate = new();
    private readonly Dictionary<long, TrackerRecord> trackers;

    private AgentState(string directory)
    {
        Directory = directory;
        trackers = Read<Dictionary<long, TrackerRecord>>("schedule.json") ?? [];
    }

    public string Directory { get; }

    public string OutboxDirectory => Path.Combine(Directory, "outbox");

    /// <summary>Checkpoints of running and interrupted polls, to finish them after a restart.</summary>
    public string CheckpointDirectory => Path.Combine(Directory, "checkpoints");

    public static AgentState Open(string directory)
    {
        System.IO.Directory.CreateDirectory(directory);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return new AgentState(directory);
    }

    public AgentIdentity? Identity => Read<AgentIdentity>("agent.json");

    public void SaveIdentity(AgentIdentity identity) => Write("agent.json", identity, secret: true);

    public IReadOnlyList<TrackerAssignment> Trackers => Read<List<TrackerAssignment>>("trackers.json") ?? [];

    public void SaveTrackers(IReadOnlyList<TrackerAssignment> assignments) => Write("trackers.json", assignments, secret: false);

    public TrackerRecord Tracker(long id)
    {
        lock (gate)
        {
            return trackers.GetValueOrDefault(id) ?? new TrackerRecord(null, null);
        }
    }

    public void Save(long id, TrackerRecord record)
    {
        lock (gate)
        {
            trackers[id] = record;
            Write("schedule.json", trackers, secret: false);
        }
    }

    private T? Read<T>(string name)
        where T : class
    {
        var path = Path.Combine(Directory, name);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllText(path), WireJson.Options);
        }
        catch (JsonException error)
        {
            throw new InvalidDataException($"agent state file '{path}' is corrupt: {error.Message}", error);
        }
    }

    private void Write<T>(string name, T value, bool secret)
    {
        var path = Path.Combine(Directory, name);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(value, WireJson.Options));
        if (secret && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.Move(temporary, path, overwrite: true);
    }
}

/// <summary>Who this agent is to its hub.</summary>
public sealed record AgentIdentity(Uri Hub, long AgentId, string Credential);

/// <summary>When a tracker last ran here, and the latest "run now" request already served.</summary>
public sealed record TrackerRecord(DateTimeOffset? LastRun, DateTimeOffset? LastRequestServed);
