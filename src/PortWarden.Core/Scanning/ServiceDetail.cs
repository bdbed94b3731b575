namespace PortWarden.Core.Scanning;

/// <summary>What service identification found behind a port (nmap -sV, a protocol answer, a banner).</summary>
public sealed record ServiceDetail(string? Product, string? Version = null, string? ExtraInfo = null)
{
    /// <summary>Raw banner or answer text, when the engine kept one.</summary>
    public string? Banner { get; init; }
}
