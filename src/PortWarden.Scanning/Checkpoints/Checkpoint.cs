using System.Text.Json;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;

namespace PortWarden.Scanning.Checkpoints;

/// <summary>A checkpoint as read back: the scan it belongs to and the records that scan had decided when it stopped.</summary>
public sealed class Checkpoint
{
    private Checkpoint(ScanDefinition definition, IReadOnlyList<ScanRecord> records)
    {
        Definition = definition;
        Records = records;
    }

    public ScanDefinition Definition { get; }

    /// <summary>The records in the order they were decided, without duplicates.</summary>
    public IReadOnlyList<ScanRecord> Records { get; }

    /// <summary>Reads and validates a checkpoint file; throws <see cref="CheckpointException"/> saying what is wrong and where.</summary>
    public static Checkpoint Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new CheckpointException($"cannot resume: checkpoint '{path}' does not exist");
        }

        var text = File.ReadAllText(path);
        var lines = text.Split('\n');

        // Only lines that end with a newline were written completely; the rest was cut off by the interruption.
        var complete = lines.Length - 1;
        if (complete < 1)
        {
            throw new CheckpointException($"'{path}' is not a PortWarden checkpoint (it is empty or has no complete first line)");
        }

        ScanDefinition definition;
        try
        {
            var (version, read) = CheckpointFormat.ReadHeader(lines[0]);
            definition = read ?? throw new CheckpointException(
                $"'{path}' is a version {version} checkpoint; this PortWarden reads version {CheckpointFormat.Version}");
        }
        catch (Exception error) when (error is JsonException or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            throw new CheckpointException($"'{path}' is not a PortWarden checkpoint: {error.Message}");
        }

        var records = new List<ScanRecord>();
        var finished = new HashSet<System.Net.IPAddress>();
        var seen = new HashSet<(System.Net.IPAddress, PortKey)>();
        for (var i = 1; i < complete; i++)
        {
            if (lines[i].Length == 0)
            {
                continue;
            }

            ScanRecord record;
            try
            {
                record = CheckpointFormat.ReadRecord(lines[i]);
            }
            catch (Exception error) when (error is JsonException or FormatException or KeyNotFoundException or InvalidOperationException)
            {
                throw new CheckpointException($"checkpoint '{path}' is corrupt at line {i + 1}: {error.Message}");
            }

            var address = record.Target.Address;
            if (finished.Contains(address))
            {
                throw new CheckpointException($"checkpoint '{path}' is corrupt at line {i + 1}: host {address} has records after its report");
            }

            if (record is HostReport)
            {
                finished.Add(address);
                records.Add(record);
            }
            else if (record is Observation observation && seen.Add((address, observation.Key)))
            {
                records.Add(record);
            }
        }

        return new Checkpoint(definition, records);
    }

    /// <summary>A checkpoint with no records yet, for a scan that starts now.</summary>
    public static Checkpoint Empty(ScanDefinition definition) => new(definition, []);

    /// <summary>What the engines may skip: finished hosts, and the decided ports of the others.</summary>
    public ScanResume ToResume()
    {
        var finished = Records.OfType<HostReport>().Select(report => report.Target.Address).ToHashSet();
        return new ScanResume(finished, Records.OfType<Observation>().Where(o => !finished.Contains(o.Target.Address)));
    }
}
