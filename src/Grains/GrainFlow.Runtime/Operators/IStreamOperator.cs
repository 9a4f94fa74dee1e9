namespace GrainFlow.Runtime.Operators;

/// <summary>
/// The lifecycle every operator of a chain shares (Flink's StreamOperator): the subtask calls these
/// hooks on every operator in chain order, with no type switch on what the operator is. Records flow
/// through <see cref="Api.Functions.ICollector{T}"/> links synchronously; only the asynchronous hooks
/// await (restore and commit work of sinks, making output durable). <see cref="OperatorBase"/> gives
/// every hook a default that does nothing.
/// </summary>
internal interface IStreamOperator
{
    string Uid { get; }

    string Name { get; }

    /// <summary>
    /// Sets the operator up for its subtask. State restored in memory from <see cref="OperatorContext.Restore"/>
    /// (keyed state, source offsets) is taken here, before <see cref="InitializeStateAsync"/>.
    /// </summary>
    void Open(OperatorContext context);

    /// <summary>
    /// Restore work that needs I/O, after every operator of the chain opened and before the first
    /// record: a transactional sink commits what the restored checkpoint pre-committed and aborts
    /// what was staged after it.
    /// </summary>
    Task InitializeStateAsync();

    /// <summary>
    /// The synchronous part of the checkpoint or savepoint of <paramref name="barrier"/> (Flink passes the
    /// barrier's CheckpointOptions): this operator's state frozen (keyed tables or a backend's local
    /// checkpoint, source offsets, a sink's pending transactions) and the work to finish in the background
    /// before the acknowledgement. Must not change afterwards.
    /// </summary>
    OperatorSnapshotResult SnapshotState(Channels.CheckpointBarrier barrier);

    /// <summary>
    /// Checkpoint <paramref name="checkpointId"/> completed (notifications may be skipped: act on
    /// everything up to it). A failure that can never succeed throws a
    /// <see cref="GrainFlow.Errors.NonRecoverableJobException"/>.
    /// </summary>
    Task NotifyCheckpointCompleteAsync(long checkpointId);

    /// <summary>Every input of the chain has ended; emit whatever is still held.</summary>
    void EndInput();

    /// <summary>
    /// Event time of this operator's input advanced to <paramref name="watermarkMs"/> (never backwards):
    /// fire event-time timers up to it. Called in chain order; records emitted here reach the operators
    /// after this one before their own call, and the watermark follows them downstream.
    /// </summary>
    void ProcessWatermark(long watermarkMs);

    /// <summary>Fires processing-time timers due at <paramref name="nowMs"/>.</summary>
    void OnProcessingTime(long nowMs);

    /// <summary>Pushes buffered output to durable storage (sinks); called after every batch, on the buffer timeout and at the end of input.</summary>
    ValueTask FlushAsync(Sinks.FlushReason reason);

    void Close();
}
