using System.Buffers;
using System.Text;
using System.Text.Json;

namespace PortWarden.Cli.Output;

/// <summary>
/// Writes JSON values as lines of text through one reused buffer and JSON writer, so a stream of many small
/// objects (JSON Lines) allocates nothing per line.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Design", "CA1001", Justification = "The JSON writer writes to an in-memory buffer: disposing it would only flush, which every line does.")]
internal sealed class JsonLineWriter
{
    private readonly TextWriter writer;
    private readonly ArrayBufferWriter<byte> bytes = new(1024);
    private readonly Utf8JsonWriter json;
    private char[] chars = new char[1024];

    public JsonLineWriter(TextWriter writer)
    {
        this.writer = writer;
        json = new Utf8JsonWriter(bytes);
    }

    /// <summary>Writes the value <paramref name="write"/> produces, then a line break.</summary>
    public void WriteLine<T>(T state, Action<Utf8JsonWriter, T> write)
    {
        bytes.ResetWrittenCount();
        json.Reset(bytes);
        write(json, state);
        json.Flush();
        var needed = Encoding.UTF8.GetMaxCharCount(bytes.WrittenCount);
        if (chars.Length < needed)
        {
            chars = new char[Math.Max(needed, chars.Length * 2)];
        }

        var length = Encoding.UTF8.GetChars(bytes.WrittenSpan, chars);
        writer.Write(chars, 0, length);
        writer.WriteLine();
    }
}
