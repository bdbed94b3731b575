namespace PortWarden.NetLab;

/// <summary>
/// A set of lab hosts, each a network namespace joined to this machine by a veth pair, all removed on
/// dispose, on process exit, or by the next run if this one was killed. Needs root (CAP_NET_ADMIN and
/// CAP_SYS_ADMIN), iproute2 and nftables.
/// </summary>
public sealed class NetworkLab : IAsyncDisposable
{
    private readonly List<LabHost> hosts = [];
    private readonly Lock gate = new();

    public NetworkLab()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            throw new InvalidOperationException(
                "network lab tests need Linux and root (they create network namespaces); run them as root, as .ci/run does");
        }

        AppDomain.CurrentDomain.ProcessExit += RemoveOnExit;
    }

    public async Task<LabHost> AddHostAsync(LabHostOptions? options = null, CancellationToken cancellationToken = default)
    {
        var host = await LabHost.CreateAsync(options ?? new LabHostOptions(), cancellationToken).ConfigureAwait(false);
        lock (gate)
        {
            hosts.Add(host);
        }

        return host;
    }

    public async ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= RemoveOnExit;
        LabHost[] all;
        lock (gate)
        {
            all = [.. hosts];
            hosts.Clear();
        }

        foreach (var host in all)
        {
            await host.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void RemoveOnExit(object? sender, EventArgs e) => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
