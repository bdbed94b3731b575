using System.Text;
using PortWarden.Core.Scanning;

namespace PortWarden.Scanning.Checkpoints;

/// <summary>
/// Writes a checkpoint as the scan goes: one line per record, flushed to the operating system at least every
/// <see cref="FlushInterval"/> and after every host report, so a killed scan loses at most the last moment's records.
/// A resumed scan first rewrites the file (beside it, then renamed over it) with the records it carries over.
/// </summary>
public sealed class CheckpointWriter : IAsyncDisposable
{
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(200);

    private readonly StreamWriter writer;
    private readonly TimeProvider time;
    private long lastFlush;

    private CheckpointWriter(StreamWriter writer, TimeProvider time)
    {
        this.writer = writer;
        this.time = time;
        lastFlush = time.GetTimestamp();
    }

    /// <summary>
    /// Starts the checkpoint at <paramref name="path"/> with the header of <paramref name="definition"/> and the records an
    /// earlier run carried over (<paramref name="previous"/>, if any), replacing any file there.
    /// </summary>
    public static async Task<CheckpointWriter> CreateAsync(
        string path, ScanDefinition definition, Checkpoint? previous, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(time);
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full) ?? ".";
        if (!Directory.Exists(directory))
        {
            throw new IOException($"cannot write checkpoint '{path}': directory '{directory}' does not exist");
        }

        var temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        await using (var initial = new StreamWriter(temporary, append: false, new UTF8Encoding(false)))
        {
            await initial.WriteAsync(CheckpointFormat.Header(definition, time.GetUtcNow()).AsMemory(), cancellationToken).ConfigureAwait(false);
            await initial.WriteAsync("\n".AsMemory(), cancellationToken).ConfigureAwait(false);
            foreach (var record in previous?.Records ?? [])
            {
                await initial.WriteAsync((CheckpointFormat.Record(record) + "\n").AsMemory(), cancellationToken).ConfigureAwait(false);
            }
        }

        File.Move(temporary, full, overwrite: true);
        return new CheckpointWriter(new StreamWriter(full, append: true, new UTF8Encoding(false)), time);
    }

    public async Task WriteAsync(ScanRecord record, CancellationToken cancellationToken)
    {
        await writer.WriteAsync((CheckpointFormat.Record(record) + "\n").AsMemory(), cancellationToken).ConfigureAwait(false);
        if (record is HostReport || time.GetElapsedTime(lastFlush) >= FlushInterval)
        {
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            lastFlush = time.GetTimestamp();
        }
    }

    public ValueTask DisposeAsync() => writer.DisposeAsync();
}
