using GrainFlow.Runtime.Diagnostics;
using Orleans.Concurrency;

namespace GrainFlow.Runtime.Channels;

/// <summary>
/// The sending end of one channel. Keeps exactly one batch in flight (so batches arrive in order
/// even though Orleans does not promise it) and at most <c>capacity</c> batches queued behind it;
/// when the queue is full the producer waits in <see cref="WaitForCapacityAsync"/>, which is how a
/// slow consumer slows its producers down instead of growing memory. A batch the receiver holds back
/// (its barrier alignment is in progress) is sent again until taken.
/// </summary>
/// <param name="stopping">Cancelled when the sending attempt ends: the channel stops sending, quietly.</param>
/// <param name="metrics">Counts the records sent (numRecordsOut), once per batch.</param>
internal sealed class OutputChannel(
    IBatchReceiver target, string targetName, int edgeIndex, int senderSubtask, long attempt, int capacity, Action<Exception> onFailure,
    CancellationToken stopping = default, SubtaskMetricGroup? metrics = null)
{
    private const int MaxSendAttempts = 5;
    private readonly Queue<ChannelBatch> _pending = new();
    private long _nextSequence;
    private bool _pumping;
    private TaskCompletionSource? _spaceOrDrained;

    public int Queued => _pending.Count;

    /// <summary>The most batches ever queued at once (checked by the bounded-memory test).</summary>
    public int HighWaterMark { get; private set; }

    public long BatchesSent { get; private set; }

    public Exception? Failure { get; private set; }

    public bool HasCapacity => _pending.Count < capacity || Failure is not null;

    public bool IsDrained => _pending.Count == 0 || Failure is not null;

    /// <param name="timestamps">The records' timestamps (see <see cref="ChannelBatch.Timestamps"/>), or null when none has one.</param>
    public void Send(object? records, int count, ControlEvent? control, long[]? timestamps = null)
    {
        var batch = new ChannelBatch
        {
            EdgeIndex = edgeIndex,
            SenderSubtask = senderSubtask,
            Attempt = attempt,
            Sequence = _nextSequence++,
            Records = records,
            Count = count,
            Control = control,
            Timestamps = timestamps,
        };
        _pending.Enqueue(batch);
        metrics?.AddRecordsOut(count);
        HighWaterMark = Math.Max(HighWaterMark, _pending.Count);
        if (!_pumping)
        {
            _pumping = true;
            _ = PumpAsync();
        }
    }

    public Task WaitForCapacityAsync() => HasCapacity ? Task.CompletedTask : WaitForChangeAsync(() => HasCapacity);

    public Task WaitUntilDrainedAsync() => IsDrained ? Task.CompletedTask : WaitForChangeAsync(() => IsDrained);

    private async Task WaitForChangeAsync(Func<bool> condition)
    {
        while (!condition())
        {
            _spaceOrDrained ??= new TaskCompletionSource(TaskCreationOptions.None);
            await _spaceOrDrained.Task;
        }
    }

    private async Task PumpAsync()
    {
        try
        {
            while (_pending.TryPeek(out var batch))
            {
                await SendWithRetriesAsync(batch);
                _pending.Dequeue();
                BatchesSent++;
                Signal();
            }
        }
        catch (Exception e)
        {
            // A stopped channel counts as failed so that nobody waits on it, but it is no failure to report.
            Failure = e;
            Signal();
            if (!stopping.IsCancellationRequested) onFailure(e);
        }
        finally
        {
            _pumping = false;
        }
    }

    private async Task SendWithRetriesAsync(ChannelBatch batch)
    {
        for (var failures = 0; ;)
        {
            stopping.ThrowIfCancellationRequested();
            try
            {
                // The same sequence number is resent after a failure: the receiver drops it if the
                // first call did arrive (an Orleans timeout means "unknown outcome").
                if (await target.ReceiveAsync(new Immutable<ChannelBatch>(batch)) == BatchDelivery.Accepted) return;
                // Held back by the receiver's barrier alignment, after it waited: offer it again at once.
            }
            catch (Exception e) when (++failures < MaxSendAttempts && e is TimeoutException or OrleansMessageRejectionException or SiloUnavailableException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50 * failures), stopping);
            }
            catch (Exception e) when (!stopping.IsCancellationRequested)
            {
                throw new InvalidOperationException($"Could not deliver {batch} to {targetName}: {e.Message}", e);
            }
        }
    }

    private void Signal()
    {
        var waiter = _spaceOrDrained;
        _spaceOrDrained = null;
        waiter?.TrySetResult();
    }
}
