namespace PortWarden.Scanning.Local;

/// <summary>A socket source cannot work on this host (missing tool, unreadable table, other OS); the next one is tried.</summary>
public sealed class LocalSourceUnavailableException : Exception
{
    public LocalSourceUnavailableException()
    {
    }

    public LocalSourceUnavailableException(string message)
        : base(message)
    {
    }

    public LocalSourceUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
