using System.Security.Cryptography.X509Certificates;

namespace PortWarden.Agent;

/// <summary>How an agent runs: how often it asks for trackers, how many polls at once, how long it may finish a poll when stopping.</summary>
public sealed record AgentOptions
{
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan ShardPollInterval { get; init; } = TimeSpan.FromSeconds(2);

    public int MaxParallelPolls { get; init; } = 2;

    /// <summary>How often a running poll tells the hub how far it has got (the dashboard's progress bar).</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// On SIGTERM, a running poll may finish within this time; after it, the poll is stopped: with a checkpoint (connect and
    /// udp engines) it is finished at the next start, without one it is abandoned (nothing is recorded).
    /// </summary>
    public TimeSpan ShutdownGrace { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Trust only this authority for the hub's HTTPS certificate (a private CA, or the hub's own certificate).</summary>
    public X509Certificate2? TrustedAuthority { get; init; }
}
