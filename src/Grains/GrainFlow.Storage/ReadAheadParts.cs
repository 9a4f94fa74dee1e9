using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace GrainFlow.Storage;

/// <summary>
/// Makes the parts of an object on a pool thread, from the moment it is created, at most a given number
/// ahead of the one consumer that enumerates it (once), so that making parts and writing them overlap
/// even when parts take uneven times: a consumer that asks for the next part only after the previous
/// write started keeps its producer idle whenever a write is slow, and itself idle whenever a part is.
/// </summary>
/// <remarks>
/// <para>The producer starts at once rather than when the first part is asked for: a writer usually has
/// work of its own first (creating the file, writing a part it was handed directly), and waking a pool
/// thread can take a millisecond or two on a VM whose other core sleeps; that wake-up then hides behind
/// the writer's work instead of delaying the first part.</para>
/// <para>A consumer that stops early stops the producer; parts it never took are disposed. One that
/// never enumerates must dispose this object to the same effect.</para>
/// </remarks>
public sealed class ReadAheadParts : IAsyncEnumerable<ObjectPart>, IAsyncDisposable
{
    private readonly Channel<ObjectPart> _queue;
    private readonly CancellationTokenSource _stop;
    private readonly Task _producer;
    private int _enumerated;
    private int _disposed;

    /// <param name="parts">The parts to make; enumerated on a pool thread.</param>
    /// <param name="ahead">How many finished parts may wait for the consumer (memory: this many parts more).</param>
    /// <param name="cancellationToken">Stops the producer.</param>
    public ReadAheadParts(IAsyncEnumerable<ObjectPart> parts, int ahead, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parts);
        ArgumentOutOfRangeException.ThrowIfLessThan(ahead, 1);
        _queue = Channel.CreateBounded<ObjectPart>(new BoundedChannelOptions(ahead) { SingleReader = true, SingleWriter = true });
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _producer = Task.Run(() => ProduceAsync(parts, _queue.Writer, _stop.Token), CancellationToken.None);
    }

    public async IAsyncEnumerator<ObjectPart> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _enumerated, 1) != 0)
        {
            throw new InvalidOperationException("Parts read ahead can be enumerated only once: each part is handed out a single time.");
        }

        try
        {
            await foreach (var part in _queue.Reader.ReadAllAsync(_stop.Token).WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                yield return part;
            }

            // The queue also ends when the producer fails: its exception surfaces here.
            await _producer.ConfigureAwait(false);
        }
        finally
        {
            await DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Stops the producer, waits for it and disposes the parts nobody took.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _stop.CancelAsync().ConfigureAwait(false);
        await _producer.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        while (_queue.Reader.TryRead(out var untaken))
        {
            untaken.Dispose();
        }

        _stop.Dispose();
    }

    private static async Task ProduceAsync(IAsyncEnumerable<ObjectPart> parts, ChannelWriter<ObjectPart> queue, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var part in parts.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await queue.WriteAsync(part, cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    part.Dispose();
                    throw;
                }
            }
        }
        finally
        {
            queue.TryComplete();
        }
    }
}
