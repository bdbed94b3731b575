using System.Diagnostics;
using System.Globalization;

namespace PortWarden.Core.Tracking;

/// <summary>
/// Holds a device's poll lease so that one poll of a device runs at a time, across processes and hosts
/// sharing a store. The lease is renewed while held and expires if its holder dies; a holder on this
/// machine whose process is gone is taken over at once.
/// </summary>
public sealed class DeviceLock : IAsyncDisposable
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan RetryInterval = TimeSpan.FromMilliseconds(250);

    private readonly IPollStore store;
    private readonly long deviceId;
    private readonly string owner;
    private readonly TimeProvider time;
    private readonly CancellationTokenSource renewal = new();
    private readonly Task renewing;

    private DeviceLock(IPollStore store, long deviceId, string owner, TimeProvider time)
    {
        this.store = store;
        this.deviceId = deviceId;
        this.owner = owner;
        this.time = time;
        renewing = RenewAsync(renewal.Token);
    }

    /// <summary>A new holder name: machine, process id, and a nonce so that two polls in one process are two holders.</summary>
    public static string NewOwner() =>
        string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}");

    /// <summary>Takes the lease, waiting up to <paramref name="wait"/> for another poll of the device to finish.</summary>
    public static async Task<DeviceLock> AcquireAsync(
        IPollStore store, Device device, string owner, TimeProvider time, TimeSpan wait, Action<DeviceLease>? waiting, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(device);
        var deadline = time.GetUtcNow() + wait;
        var told = false;
        while (true)
        {
            var now = time.GetUtcNow();
            var holder = await store.ReadLeaseAsync(device.Id, cancellationToken).ConfigureAwait(false);
            var dead = holder is not null && IsDeadLocalProcess(holder.Owner) ? holder.Owner : null;
            if (await store.TryAcquireLeaseAsync(device.Id, owner, now, now + Lifetime, dead, cancellationToken).ConfigureAwait(false))
            {
                return new DeviceLock(store, device.Id, owner, time);
            }

            if (now >= deadline)
            {
                throw new TimeoutException(
                    $"device '{device.Name}' is being polled by {holder?.Owner ?? "another process"}; gave up waiting after {wait.TotalSeconds:0} s");
            }

            if (!told && holder is not null)
            {
                waiting?.Invoke(holder);
                told = true;
            }

            await Task.Delay(RetryInterval, time, cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await renewal.CancelAsync().ConfigureAwait(false);
        try
        {
            await renewing.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        renewal.Dispose();
        await store.ReleaseLeaseAsync(deviceId, owner, CancellationToken.None).ConfigureAwait(false);
    }

    private async Task RenewAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await Task.Delay(Lifetime / 3, time, cancellationToken).ConfigureAwait(false);
            var now = time.GetUtcNow();
            await store.TryAcquireLeaseAsync(deviceId, owner, now, now + Lifetime, null, cancellationToken).ConfigureAwait(false);
        }
    }

    private static bool IsDeadLocalProcess(string holder)
    {
        var parts = holder.Split(':');
        if (parts.Length < 2 || parts[0] != Environment.MachineName || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var pid))
        {
            return false;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }
}
