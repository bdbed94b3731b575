namespace PortWarden.Scanning.Local;

/// <summary>
/// Passes the problems of a self-scan that do not stop it (a malformed table line, an unreadable process) to the
/// caller, at most <see cref="Limit"/> per kind so that a table of garbage does not flood the terminal.
/// </summary>
internal sealed class LocalWarnings(Action<string>? sink)
{
    public const int Limit = 10;

    private readonly Dictionary<string, int> counts = new(StringComparer.Ordinal);

    /// <summary>Warns about <paramref name="message"/>, unless <see cref="Limit"/> warnings of <paramref name="kind"/> were already given.</summary>
    public void Warn(string kind, string message)
    {
        var count = counts.GetValueOrDefault(kind) + 1;
        counts[kind] = count;
        if (count <= Limit)
        {
            sink?.Invoke(message);
        }
    }

    /// <summary>Says how many warnings of each kind went unreported; call once at the end of a scan.</summary>
    public void Flush()
    {
        foreach (var (kind, count) in counts)
        {
            if (count > Limit)
            {
                sink?.Invoke($"{count - Limit} more {kind} warning(s) not shown");
            }
        }

        counts.Clear();
    }
}
