using System.Text.Json;

namespace PortWarden.Cli.Output;

/// <summary>
/// Pulls JSON tokens, and whole values when asked, from a stream, holding no more than the value being read:
/// a scan document with a million hosts is read one host at a time. Reports input that stops inside the
/// document as <see cref="EndOfInput"/> rather than as malformed, so the caller can tell a cut-off file.
/// </summary>
internal sealed class JsonStreamReader(Stream stream, bool multipleValues = false)
{
    private byte[] buffer = new byte[16 * 1024];
    private int start;
    private int end;
    private bool atEnd;
    private JsonReaderState state = new(new JsonReaderOptions { AllowMultipleValues = multipleValues });
    private long newlinesConsumed;

    public JsonTokenType TokenType { get; private set; }

    /// <summary>The text of the current property name or string token.</summary>
    public string? Text { get; private set; }

    /// <summary>The input has run out (a read returned false or null because of it, not because an array ended).</summary>
    public bool EndOfInput { get; private set; }

    /// <summary>1-based line of the input where reading stands (for messages).</summary>
    public long Line => newlinesConsumed + 1;

    /// <summary>Moves to the next token; false at the end of the input.</summary>
    public async ValueTask<bool> ReadAsync(CancellationToken cancellationToken)
    {
        while (!TryRead())
        {
            if (!await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Reads the next whole value (after a property name, an array element, or a top-level value); null at the end of an array or of the input (<see cref="EndOfInput"/>).</summary>
    public async ValueTask<JsonElement?> ReadValueAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = TryReadValue(out var value);
            if (result is not null)
            {
                return result.Value ? value : null;
            }

            if (!await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }
        }
    }

    /// <summary>True when only whitespace is left.</summary>
    public async ValueTask<bool> OnlyWhitespaceLeftAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (buffer.AsSpan(start, end - start).IndexOfAnyExcept(" \t\r\n"u8) >= 0)
            {
                return false;
            }

            start = end;
            if (!await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                return true;
            }
        }
    }

    // Readers are always built as not final: at the end of the input, a reader that still wants more means the input was cut off.
    private bool TryRead()
    {
        var reader = new Utf8JsonReader(buffer.AsSpan(start, end - start), isFinalBlock: false, state);
        if (!reader.Read())
        {
            return false;
        }

        TokenType = reader.TokenType;
        Text = reader.TokenType is JsonTokenType.PropertyName or JsonTokenType.String ? reader.GetString() : null;
        Advance(ref reader);
        return true;
    }

    /// <summary>true with a value; false at the end of an array; null when more input is needed.</summary>
    private bool? TryReadValue(out JsonElement value)
    {
        value = default;
        var reader = new Utf8JsonReader(buffer.AsSpan(start, end - start), isFinalBlock: false, state);
        if (!reader.Read())
        {
            return null;
        }

        if (reader.TokenType is JsonTokenType.EndArray)
        {
            TokenType = reader.TokenType;
            Advance(ref reader);
            return false;
        }

        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            var probe = reader;
            if (!probe.TrySkip())
            {
                return null;
            }
        }

        using var document = JsonDocument.ParseValue(ref reader);
        value = document.RootElement.Clone();
        Advance(ref reader);
        return true;
    }

    private void Advance(ref Utf8JsonReader reader)
    {
        var consumed = (int)reader.BytesConsumed;
        newlinesConsumed += buffer.AsSpan(start, consumed).Count((byte)'\n');
        start += consumed;
        state = reader.CurrentState;
    }

    private async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (atEnd)
        {
            EndOfInput = true;
            return false;
        }

        if (start > 0)
        {
            Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
        }

        if (end == buffer.Length)
        {
            Array.Resize(ref buffer, buffer.Length * 2);
        }

        var read = await stream.ReadAsync(buffer.AsMemory(end), cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            atEnd = true;
            EndOfInput = true;
            return false;
        }

        end += read;
        return true;
    }
}
