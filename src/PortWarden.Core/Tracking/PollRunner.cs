using PortWarden.Core.Scanning;

namespace PortWarden.Core.Tracking;

/// <summary>What one poll needs: the device, its tracker and policy, the engine and the scan request.</summary>
public sealed record PollRequest(Device Device, Tracker? Tracker, IScanEngine Engine, ScanRequest Scan, TrackingPolicy Policy)
{
    /// <summary>How long to wait for another poll of the same device to finish.</summary>
    public TimeSpan LockWait { get; init; } = TimeSpan.FromMinutes(10);
}

/// <summary>
/// Runs one poll end to end: takes the device's lease, loads its baseline, streams the scan through the
/// diff, and records poll, baseline changes and events in one transaction. A scan that fails part way is
/// recorded with its error, and only the hosts it finished can change; a cancelled poll records nothing.
/// </summary>
public sealed class PollRunner(IPortWardenStore store, TimeProvider time)
{
    public async Task<PollResult> RunAsync(
        PollRequest request, IProgress<ScanProgress>? progress, Action<DeviceLease>? waiting, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using var held = await DeviceLock.AcquireAsync(
            store, request.Device, DeviceLock.NewOwner(), time, request.LockWait, waiting, cancellationToken).ConfigureAwait(false);

        var baseline = await store.LoadBaselineAsync(request.Device, cancellationToken).ConfigureAwait(false);
        var windows = await store.ListChangeWindowsAsync(request.Device.Id, cancellationToken).ConfigureAwait(false);
        var started = time.GetUtcNow();
        var context = new PollContext(Guid.CreateVersion7(started), request.Tracker?.Id, started, request.Scan.TcpPorts, request.Scan.UdpPorts, time);
        var diff = new PollDiff(baseline, context, request.Policy, new ChangeClassifier(windows));
        string? error = null;
        try
        {
            await foreach (var record in request.Engine.ScanAsync(request.Scan, progress, cancellationToken).ConfigureAwait(false))
            {
                diff.Add(record);
            }
        }
        catch (Exception failure) when (failure is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            error = failure.Message;
        }

        var result = diff.Finish(time.GetUtcNow(), request.Engine.Name, error);
        await store.RecordPollAsync(result, cancellationToken).ConfigureAwait(false);
        return result;
    }
}
