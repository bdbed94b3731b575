using PortWarden.Core.Scanning;

namespace PortWarden.Scanning.Nmap;

/// <summary>nmap is not installed where PortWarden looked; the message lists the places and how to install it.</summary>
public sealed class NmapNotFoundException : ScanEngineException
{
    public NmapNotFoundException()
    {
    }

    public NmapNotFoundException(string message)
        : base(message)
    {
    }

    public NmapNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Every path that was tried, in order.</summary>
    public IReadOnlyList<string> Searched { get; init; } = [];
}
