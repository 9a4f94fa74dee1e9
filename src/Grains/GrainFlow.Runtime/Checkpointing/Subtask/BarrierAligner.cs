namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// Tracks checkpoint barriers across a subtask's input channels. With EXACTLY_ONCE a channel that
/// delivered barrier n is blocked (its next batches wait) until every live channel has delivered n;
/// with AT_LEAST_ONCE nothing is blocked and the snapshot is taken when the last barrier arrives.
/// A newer barrier arriving during an alignment abandons the older one (its checkpoint is declined
/// by the coordinator's timeout or subsumed). Savepoints are always aligned, whatever the mode.
/// </summary>
internal sealed class BarrierAligner(CheckpointingMode mode, TimeProvider time)
{
    private readonly HashSet<(int Edge, int Sender)> _arrived = new();
    private TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _startTimestamp;

    /// <summary>The checkpoint being aligned, or null.</summary>
    public long? CurrentCheckpoint => CurrentBarrier?.CheckpointId;

    /// <summary>The barrier being aligned (what the snapshot is taken for), or null.</summary>
    public Channels.CheckpointBarrier? CurrentBarrier { get; private set; }

    /// <summary>The barrier whose alignment completed last.</summary>
    public Channels.CheckpointBarrier? LastCompletedBarrier { get; private set; }

    /// <summary>The newest checkpoint whose barrier completed here; older barriers are stale.</summary>
    public long LastCompleted { get; private set; }

    public bool IsBlocked((int Edge, int Sender) channel) =>
        (mode == CheckpointingMode.ExactlyOnce || CurrentBarrier is { IsSavepoint: true }) && CurrentBarrier is not null && _arrived.Contains(channel);

    /// <summary>Completes when the current alignment ends (the blocked channels may go on).</summary>
    public Task Released => _release.Task;

    /// <summary>
    /// Records barrier <paramref name="checkpointId"/> on <paramref name="channel"/>; returns true when it
    /// was the last one expected (take the snapshot now), with how long the alignment took.
    /// </summary>
    public bool OnBarrier((int Edge, int Sender) channel, Channels.CheckpointBarrier barrier, int liveChannels, out TimeSpan alignment)
    {
        alignment = TimeSpan.Zero;
        var checkpointId = barrier.CheckpointId;
        if (checkpointId <= LastCompleted) return false;
        if (CurrentCheckpoint is { } current && checkpointId > current) Release();
        if (CurrentBarrier is null)
        {
            CurrentBarrier = barrier;
            _startTimestamp = time.GetTimestamp();
        }
        else if (checkpointId < CurrentCheckpoint) return false;
        _arrived.Add(channel);
        return TryComplete(liveChannels, out alignment);
    }

    /// <summary>A channel ended: it no longer has to deliver the barrier being aligned.</summary>
    public bool OnChannelEnded((int Edge, int Sender) channel, int liveChannels, out TimeSpan alignment)
    {
        _arrived.Remove(channel);
        alignment = TimeSpan.Zero;
        return CurrentCheckpoint is not null && TryComplete(liveChannels, out alignment);
    }

    /// <summary>The subtask stops: let every held channel's call return (they see the subtask is no longer running).</summary>
    public void Abandon() => Release();

    private bool TryComplete(int liveChannels, out TimeSpan alignment)
    {
        alignment = TimeSpan.Zero;
        if (_arrived.Count < liveChannels) return false;
        alignment = time.GetElapsedTime(_startTimestamp);
        LastCompleted = CurrentCheckpoint!.Value;
        LastCompletedBarrier = CurrentBarrier;
        Release();
        return true;
    }

    private void Release()
    {
        CurrentBarrier = null;
        _arrived.Clear();
        var release = _release;
        _release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        release.TrySetResult();
    }
}
