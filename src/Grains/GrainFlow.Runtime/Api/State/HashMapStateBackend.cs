using GrainFlow.Runtime.Checkpointing;

namespace GrainFlow.Runtime.Api.State;

/// <summary>
/// Keyed state as objects on the heap of the silo running the subtask (Flink's HashMapStateBackend,
/// <c>state.backend.type: hashmap</c>, the default): the fastest, bounded by memory; every checkpoint is full.
/// </summary>
public sealed class HashMapStateBackend() : StateBackend(StateBackendType.Hashmap);
