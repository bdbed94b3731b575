namespace PortWarden.Cli.Output;

/// <summary>
/// Where results go: standard output, or a file that only replaces its previous content once the command has
/// succeeded (written beside it and renamed), so a failed or cancelled run never leaves a truncated file.
/// </summary>
internal sealed class OutputSink : IAsyncDisposable
{
    private readonly string? path;
    private readonly string? temporaryPath;
    private bool committed;

    private OutputSink(TextWriter writer, string? path, string? temporaryPath)
    {
        Writer = writer;
        this.path = path;
        this.temporaryPath = temporaryPath;
    }

    public TextWriter Writer { get; }

    public bool IsFile => path is not null;

    public static OutputSink Open(string? path, TextWriter standardOutput)
    {
        if (path is null or "-")
        {
            return new OutputSink(standardOutput, null, null);
        }

        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full) ?? ".";
        if (!Directory.Exists(directory))
        {
            throw new IOException($"cannot write '{path}': directory '{directory}' does not exist");
        }

        var temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        // Large buffers: results are written line by line, and each buffer flush is a write to the file.
        var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 0);
        return new OutputSink(new StreamWriter(file, new System.Text.UTF8Encoding(false), bufferSize: 64 * 1024), full, temporary);
    }

    public async Task CommitAsync()
    {
        await Writer.FlushAsync().ConfigureAwait(false);
        if (path is null)
        {
            return;
        }

        await Writer.DisposeAsync().ConfigureAwait(false);
        File.Move(temporaryPath!, path, overwrite: true);
        committed = true;
    }

    public async ValueTask DisposeAsync()
    {
        if (path is null || committed)
        {
            return;
        }

        await Writer.DisposeAsync().ConfigureAwait(false);
        File.Delete(temporaryPath!);
    }
}
