using GrainFlow.Runtime.Checkpointing;

namespace GrainFlow.Runtime.Api.State;

/// <summary>
/// Keyed state in an embedded RocksDB instance per keyed subtask, on the local disk of the silo that
/// runs it (Flink's EmbeddedRocksDBStateBackend, <c>state.backend.type: rocksdb</c>): state may be far
/// larger than memory. Its settings are the <c>state.backend.rocksdb.*</c> keys.
/// </summary>
public sealed class EmbeddedRocksDBStateBackend() : StateBackend(StateBackendType.Rocksdb);
