using System.Globalization;
using PortWarden.Core.Tracking;
using PortWarden.Hub.Auth;
using PortWarden.Scanning.Local;

namespace PortWarden.Hub.Embedded;

/// <summary>
/// Makes sure the hub's own agent exists (enrolled like any other, its id kept in local-agent.id in the data
/// directory). When it is first created, the hub's host gets a device and a self-scan tracker, so that one
/// command gives a working system.
/// </summary>
public static class LocalAgentSetup
{
    public static async Task<long> EnsureAsync(IPortWardenStore store, HubOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        var file = Path.Combine(options.DataDirectory, "local-agent.id");
        if (File.Exists(file) && long.TryParse(await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture, out var known)
            && await store.FindAgentAsync(known, cancellationToken).ConfigureAwait(false) is { Agent.IsRevoked: false })
        {
            return known;
        }

        var now = time.GetUtcNow();
        var token = Secrets.NewEnrollmentToken();
        await store.AddEnrollmentTokenAsync(Secrets.Hash(token), now, now.AddMinutes(1), "the hub's own agent", cancellationToken).ConfigureAwait(false);
        var agent = await store.EnrolAgentAsync(Secrets.Hash(token), "hub (local)", Environment.MachineName, Secrets.Hash(Secrets.NewAgentSecret()), now, cancellationToken)
            .ConfigureAwait(false) ?? throw new InvalidOperationException("could not enrol the hub's own agent");
        Directory.CreateDirectory(options.DataDirectory);
        await File.WriteAllTextAsync(file, agent.Id.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);

        var self = await store.FindDeviceAsync(Environment.MachineName, cancellationToken).ConfigureAwait(false)
            ?? await store.SaveDeviceAsync(Environment.MachineName, DeviceKind.Self, "", cancellationToken).ConfigureAwait(false);
        await store.SetDeviceAgentsAsync(self.Id, [.. self.AgentIds, agent.Id], cancellationToken).ConfigureAwait(false);
        if ((await store.ListTrackersAsync(self.Id, cancellationToken).ConfigureAwait(false)).Count == 0)
        {
            await store.SaveTrackerAsync(
                new Tracker(0, self.Id, "self", "-", "", LocalEngine.EngineName, "startup; every 300s", TrackingPolicy.Default) { Mode = TrackerMode.Self },
                cancellationToken).ConfigureAwait(false);
        }

        return agent.Id;
    }
}
