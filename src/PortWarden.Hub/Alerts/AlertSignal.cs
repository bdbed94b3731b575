namespace PortWarden.Hub.Alerts;

/// <summary>Wakes the hub's alert dispatcher when something was queued, so alerts go out at once rather than at its next round.</summary>
public sealed class AlertSignal : IDisposable
{
    private readonly SemaphoreSlim signal = new(0, 1);

    public void Raise()
    {
        if (signal.CurrentCount == 0)
        {
            try
            {
                signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Raised twice at once: one wake-up is enough.
            }
        }
    }

    /// <summary>Waits until raised or until <paramref name="timeout"/> passes.</summary>
    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => signal.WaitAsync(timeout, cancellationToken);

    public void Dispose() => signal.Dispose();
}
