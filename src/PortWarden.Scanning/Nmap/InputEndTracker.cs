namespace PortWarden.Scanning.Nmap;

/// <summary>
/// A read-only pass-through stream that remembers whether its source has ended and the line and column
/// (in characters, as XML counts them) where it ended: a parse error reported exactly there means the input
/// was cut off, not malformed.
/// </summary>
internal sealed class InputEndTracker(Stream inner) : Stream
{
    private bool lastWasCarriageReturn;

    public bool ReachedEnd { get; private set; }

    public long TotalBytes { get; private set; }

    /// <summary>1-based line the input ended on.</summary>
    public long EndLine { get; private set; } = 1;

    /// <summary>1-based column just after the last character.</summary>
    public long EndColumn { get; private set; } = 1;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>True when an error at <paramref name="line"/>:<paramref name="column"/> is where the input stops.</summary>
    public bool IsAtEnd(long line, long column) => ReachedEnd && line == EndLine && column >= EndColumn;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer) => Count(buffer[..inner.Read(buffer)]);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Count(buffer.Span[..read]);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int Count(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            ReachedEnd = true;
            return 0;
        }

        TotalBytes += bytes.Length;
        foreach (var b in bytes)
        {
            if (b == (byte)'\n')
            {
                if (!lastWasCarriageReturn)
                {
                    EndLine++;
                }

                EndColumn = 1;
            }
            else if (b == (byte)'\r')
            {
                EndLine++;
                EndColumn = 1;
            }
            else if ((b & 0xC0) != 0x80)
            {
                // One character per UTF-8 lead byte; continuation bytes add nothing.
                EndColumn++;
            }

            lastWasCarriageReturn = b == (byte)'\r';
        }

        return bytes.Length;
    }
}
