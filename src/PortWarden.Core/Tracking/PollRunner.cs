using PortWarden.Core.Scanning;

namespace PortWarden.Core.Tracking;

/// <summary>What one poll needs: the device, its tracker and policy, and where its records come from.</summary>
public sealed record PollRequest(Device Device, Tracker? Tracker, IPollSource Source, TrackingPolicy Policy)
{
    public PollRequest(Device device, Tracker? tracker, IScanEngine engine, ScanRequest scan, TrackingPolicy policy)
        : this(device, tracker, new EngineSource(engine, scan), policy)
    {
    }

    /// <summary>How long to wait for another poll of the same device to finish.</summary>
    public TimeSpan LockWait { get; init; } = TimeSpan.FromMinutes(10);
}

/// <summary>
/// Runs one poll end to end: takes the device's lease, loads its baseline, streams the records through the
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
        var coverage = await request.Source.OpenAsync(cancellationToken).ConfigureAwait(false);
        if (coverage.StartedAt is { } recorded && baseline.Device.LastPollAt is { } last && recorded <= last)
        {
            throw new PollRejectedException(
                $"this scan ({recorded:u}) is not newer than the last poll of '{baseline.Device.Name}' ({last:u}): record scans oldest first");
        }

        var started = coverage.StartedAt ?? time.GetUtcNow();
        // A scan recorded later (an imported file) dates what it saw at its own start, not at the import.
        var context = new PollContext(Guid.CreateVersion7(started), request.Tracker?.Id, started, coverage.Tcp, coverage.Udp, time)
        {
            ObservedAt = coverage.StartedAt,
        };
        var diff = new PollDiff(baseline, context, request.Policy, new ChangeClassifier(windows));
        var errors = new List<string>();
        try
        {
            await foreach (var record in request.Source.ReadAsync(progress, cancellationToken).ConfigureAwait(false))
            {
                diff.Add(record);
            }
        }
        catch (Exception failure) when (failure is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            errors.Add(failure.Message);
        }

        errors.AddRange(coverage.Problems());
        var result = diff.Finish(coverage.FinishedAt() ?? coverage.StartedAt ?? time.GetUtcNow(), request.Source.Engine, errors.Count == 0 ? null : string.Join("; ", errors));
        await store.RecordPollAsync(result, cancellationToken).ConfigureAwait(false);
        return result;
    }
}

/// <summary>A poll that cannot be recorded as asked (e.g. an imported scan older than the device's history); nothing was written.</summary>
public sealed class PollRejectedException(string message) : Exception(message);
