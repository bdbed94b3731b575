using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using PortWarden.Core.Scanning;

namespace PortWarden.Scanning;

/// <summary>
/// Records on their way from an engine to its consumer. Adding never blocks, so an engine may add while
/// holding its lock (which keeps each host's records in order); instead the engine stops starting probes
/// while the queue is <see cref="IsCongested"/>, which bounds memory when the consumer is slow.
/// </summary>
[SuppressMessage("Reliability", "CA1001", Justification = "The semaphore never creates a wait handle, and a producer finishing late may still release it.")]
internal sealed class RecordQueue
{
    private const int HighWater = 8192;
    private readonly Channel<ScanRecord> channel = Channel.CreateUnbounded<ScanRecord>();
    private readonly SemaphoreSlim room = new(0);
    private int waiting;

    public bool IsCongested => channel.Reader.Count >= HighWater;

    public void Add(ScanRecord record) => channel.Writer.TryWrite(record);

    public void Complete(Exception? error = null) => channel.Writer.TryComplete(error);

    /// <summary>Waits until the consumer has caught up below the high-water mark.</summary>
    public async ValueTask WaitForRoomAsync(CancellationToken cancellationToken)
    {
        while (IsCongested)
        {
            Interlocked.Increment(ref waiting);
            try
            {
                await room.WaitAsync(TimeSpan.FromMilliseconds(50), cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Decrement(ref waiting);
            }
        }
    }

    public async IAsyncEnumerable<ScanRecord> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var record in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (Volatile.Read(ref waiting) > 0 && channel.Reader.Count < HighWater / 2)
            {
                room.Release();
            }

            yield return record;
        }
    }

    /// <summary>
    /// Runs <paramref name="produce"/> in the background, completing the queue when it ends (with its error, if any),
    /// and yields the records as they come. A consumer that stops early cancels the producer and waits for it.
    /// </summary>
    public async IAsyncEnumerable<ScanRecord> StreamAsync(Func<CancellationToken, Task> produce, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var run = Task.Run(
            async () =>
            {
                try
                {
                    await produce(stop.Token).ConfigureAwait(false);
                    Complete();
                }
                catch (Exception error)
                {
                    Complete(error);
                }
            },
            CancellationToken.None);
        try
        {
            await foreach (var record in ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return record;
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await run.ConfigureAwait(false);
        }
    }
}
