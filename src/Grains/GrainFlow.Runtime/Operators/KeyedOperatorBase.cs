using GrainFlow.Errors;
using GrainFlow.Runtime.Channels;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Runtime.Configuration;
using GrainFlow.Runtime.State;
using GrainFlow.Savepoints;

namespace GrainFlow.Runtime.Operators;

/// <summary>Base of operators after a keyBy: owns the subtask's keyed state backend and its timer services.</summary>
internal abstract class KeyedOperatorBase<TKey, TIn>(string uid, string name, Func<TIn, TKey> keySelector)
    : OperatorBase<TIn>(uid, name), IKeyedOperator, IDisposable
    where TKey : notnull
{
    /// <summary>The subtask's keyed state backend, created (and restored) by <see cref="Open"/>.</summary>
    internal IKeyedStateBackend<TKey> Backend { get; private set; } = null!;

    private InternalTimeServiceManager<TKey> _timeServices = null!;

    public IReadOnlyCollection<IStateTable> StateTables => Backend.Tables;

    /// <summary>
    /// Freezes every state table (in O(buckets) on the heap, one RocksDB snapshot on RocksDB), or, for an incremental
    /// checkpoint or a native savepoint of a backend with a native format, takes its local checkpoint (RocksDB's hard links).
    /// </summary>
    public override OperatorSnapshotResult SnapshotState(CheckpointBarrier barrier) =>
        new(Backend is INativeSnapshotBackend native && TakesNativeSnapshot(barrier)
            ? new CapturedOperatorState(Uid, Backend.KeyGroups, [], null, NativeKeyedState: native.TakeNativeSnapshot(Uid, barrier))
            : new CapturedOperatorState(Uid, Backend.KeyGroups, Backend.CaptureSnapshot(), null));

    /// <summary>An incremental backend's next checkpoints reuse the files this one uploaded.</summary>
    public override Task NotifyCheckpointCompleteAsync(long checkpointId)
    {
        (Backend as INativeSnapshotBackend)?.NotifyCheckpointComplete(checkpointId);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Native savepoints, and checkpoints when <c>execution.checkpointing.incremental</c> is on, are taken in the backend's own
    /// format (as Flink's RocksDB backend does); canonical savepoints and full checkpoints in the canonical one, which every backend restores.
    /// </summary>
    private bool TakesNativeSnapshot(CheckpointBarrier barrier) => barrier.Target is { } savepoint
        ? savepoint.Format == SavepointFormatType.Native
        : Context.Configuration.Get(CheckpointingOptions.Incremental);

    public override void Open(OperatorContext context)
    {
        base.Open(context);
        // A RocksDB backend opens the instances downloaded for it (context.Restore.RocksDbState) as it is created.
        Backend = KeyedStateBackendFactories.Create<TKey>(context);
        foreach (var restored in context.Restore?.KeyedState ?? []) Backend.AddRestoredState(restored);
        _timeServices = new InternalTimeServiceManager<TKey>(Backend, context.Time, context.Timestamp);
        try
        {
            OpenKeyed();
        }
        catch (InvalidDataException e)
        {
            // A state the snapshot holds with another type or kind (Flink's StateMigrationException), or state bytes that
            // cannot be read: every restart would restore the same snapshot into the same job.
            throw new NonRecoverableJobException($"The operator '{Name}' ({Uid}) cannot restore its state from the snapshot: {e.Message}", e);
        }
    }

    public sealed override void Collect(TIn record)
    {
        Backend.SetCurrentKey(keySelector(record));
        ProcessKeyed(record);
    }

    /// <summary>Fires the event-time timers of every timer service up to the watermark.</summary>
    public override void ProcessWatermark(long watermarkMs) => _timeServices.AdvanceWatermark(watermarkMs);

    /// <summary>Fires the processing-time timers of every timer service due at <paramref name="nowMs"/>.</summary>
    public override void OnProcessingTime(long nowMs) => _timeServices.OnProcessingTime(nowMs);

    /// <summary>
    /// The timer service <paramref name="name"/> of this operator (Flink's getInternalTimerService), with
    /// the timers restored for its key groups. Call it from <see cref="OpenKeyed"/>.
    /// </summary>
    protected InternalTimerService<TKey, TNamespace> GetInternalTimerService<TNamespace>(string name, ITriggerable<TKey, TNamespace> triggerable)
        where TNamespace : notnull => _timeServices.GetInternalTimerService(name, triggerable);

    /// <summary>
    /// Releases the backend (a RocksDB instance holds native memory and files) when the chain is let go,
    /// not when it closes: a finished subtask's state is still captured by the checkpoints after it finished.
    /// </summary>
    public void Dispose() => Backend?.Dispose();

    protected virtual void OpenKeyed() { }

    protected abstract void ProcessKeyed(TIn record);
}
