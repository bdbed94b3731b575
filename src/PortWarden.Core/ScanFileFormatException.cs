namespace PortWarden.Core;

/// <summary>A scan file (nmap XML, PortWarden JSON) that cannot be read; names the file, where in it, and what was wrong.</summary>
public sealed class ScanFileFormatException : FormatException
{
    public ScanFileFormatException(string file, long line, long position, string reason)
        : base(Describe(file, line, position, reason))
    {
        File = file;
        Line = line;
        Position = position;
        Reason = reason;
    }

    public ScanFileFormatException(string file, long line, long position, string reason, Exception innerException)
        : base(Describe(file, line, position, reason), innerException)
    {
        File = file;
        Line = line;
        Position = position;
        Reason = reason;
    }

    /// <summary>The file's name as the user gave it.</summary>
    public string File { get; }

    /// <summary>1-based line of the problem, or 0 when it concerns the file as a whole.</summary>
    public long Line { get; }

    /// <summary>1-based position in the line, or 0 when only the line is known.</summary>
    public long Position { get; }

    /// <summary>What was wrong.</summary>
    public string Reason { get; }

    private static string Describe(string file, long line, long position, string reason) => (line, position) switch
    {
        ( <= 0, _) => $"'{file}': {reason}",
        (_, <= 0) => $"'{file}' line {line}: {reason}",
        _ => $"'{file}' line {line}, position {position}: {reason}",
    };
}
