namespace PortWarden.Hub;

/// <summary>How a hub runs: where it listens (and with which certificate), where it keeps its files, and its own agent.</summary>
public sealed record HubOptions
{
    public IReadOnlyList<string> Urls { get; init; } = ["http://127.0.0.1:5080"];

    /// <summary>Where the hub keeps its admin key file and its own agent's state.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>An admin key to accept (stored hashed); when no key exists at all, the hub makes one and writes it to admin.key.</summary>
    public string? AdminKey { get; init; }

    /// <summary>PEM certificate (with <see cref="CertificateKeyPath"/>) or PFX file for HTTPS.</summary>
    public string? CertificatePath { get; init; }

    public string? CertificateKeyPath { get; init; }

    public string? CertificatePassword { get; init; }

    /// <summary>Run an agent inside the hub (the single-machine setup), with a self-scan tracker of this host on first start.</summary>
    public bool LocalAgent { get; init; } = true;

    /// <summary>How long an agent holds a shard without renewing it before another agent may take it.</summary>
    public TimeSpan ShardLease { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How far ahead of the hub's clock an upload's start or finish may be (agents' clocks drift) before it is refused.</summary>
    public TimeSpan UploadClockSkew { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long before the hub's clock an upload may have started; older ones are refused as implausible.</summary>
    public TimeSpan UploadMaxAge { get; init; } = TimeSpan.FromDays(365);

    /// <summary>How often the hub's own agent asks for its trackers.</summary>
    public TimeSpan LocalAgentRefresh { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How the hub delivers alerts: retries, backoff, dead-lettering.</summary>
    public PortWarden.Alerts.Dispatch.AlertDeliveryOptions Alerts { get; init; } = new();
}
