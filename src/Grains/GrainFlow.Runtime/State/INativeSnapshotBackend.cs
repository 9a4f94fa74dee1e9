using GrainFlow.Runtime.Channels;
using GrainFlow.Runtime.Checkpointing;

namespace GrainFlow.Runtime.State;

/// <summary>
/// A keyed state backend that can also snapshot its state in its own format (RocksDB: a local checkpoint of its
/// files), for incremental checkpoints and native savepoints, besides the canonical tables every backend captures
/// (<see cref="IKeyedStateBackend{TKey}.CaptureSnapshot"/>); Flink's snapshot strategies of the RocksDB backend.
/// </summary>
internal interface INativeSnapshotBackend
{
    /// <summary>
    /// The synchronous part of the native snapshot for <paramref name="barrier"/>: a local checkpoint of every state as of
    /// now (milliseconds, whatever the state's size), uploaded later by the result.
    /// </summary>
    /// <exception cref="IOException">The local checkpoint could not be written (the local directory is full or not writable); nothing of it is left.</exception>
    INativeKeyedSnapshot TakeNativeSnapshot(string operatorUid, CheckpointBarrier barrier);

    /// <summary>Checkpoint <paramref name="checkpointId"/> completed: the shared files it references are what the next checkpoints reuse.</summary>
    void NotifyCheckpointComplete(long checkpointId);
}
