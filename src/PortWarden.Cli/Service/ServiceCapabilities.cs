namespace PortWarden.Cli.Service;

/// <summary>The Linux capabilities a service is granted: none unless a feature that needs one is asked for.</summary>
internal sealed record ServiceCapabilities(bool RawSockets, bool ProcessOwners, bool LowPorts)
{
    public static readonly ServiceCapabilities None = new(false, false, false);

    public IReadOnlyList<string> Names =>
    [
        .. RawSockets ? new[] { "CAP_NET_RAW" } : [],
        .. ProcessOwners ? new[] { "CAP_DAC_READ_SEARCH", "CAP_SYS_PTRACE" } : [],
        .. LowPorts ? new[] { "CAP_NET_BIND_SERVICE" } : [],
    ];
}
