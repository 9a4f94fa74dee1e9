using GrainFlow.KeyGroups;
using GrainFlow.Runtime.State;
using GrainFlow.Runtime.State.RocksDb;
using static GrainFlow.Runtime.Tests.State.KeyedStateCheckpoints;

namespace GrainFlow.Runtime.Tests.State.RocksDb;

/// <summary>
/// A local directory for the RocksDB backends of one test (deleted with everything in it when the test
/// ends) and the backends created in it; checkpoints of any backend are <see cref="KeyedStateCheckpoints.Checkpoint"/>.
/// </summary>
public sealed class RocksDbTestBackends : IDisposable
{
    private readonly List<IDisposable> _backends = new();

    public string LocalDirectory { get; } = Path.Combine(Path.GetTempPath(), "grainflow-rocksdb-tests", Guid.NewGuid().ToString("N"));

    internal RocksDbBackendOptions Options => new() { LocalDirectory = LocalDirectory, BlockCacheBytes = 1L << 20, WriteBufferBytes = 1L << 20 };

    /// <summary>The RocksDB backend of subtask <paramref name="subtask"/> of <paramref name="parallelism"/>, with the restored state given.</summary>
    internal RocksDbKeyedStateBackend<long> Backend(int subtask, int parallelism, params RestoredKeyedState[] restored)
    {
        var backend = new RocksDbKeyedStateBackend<long>(KeyGroupAssignment.RangeForSubtask(subtask, parallelism, MaxParallelism), MaxParallelism, Codecs, Options);
        _backends.Add(backend);
        foreach (var state in restored) backend.AddRestoredState(state);
        return backend;
    }

    /// <summary>The heap backend of subtask <paramref name="subtask"/> of <paramref name="parallelism"/>, with the restored state given.</summary>
    internal static HeapKeyedStateBackend<long> Heap(int subtask, int parallelism, params RestoredKeyedState[] restored)
    {
        var backend = new HeapKeyedStateBackend<long>(KeyGroupAssignment.RangeForSubtask(subtask, parallelism, MaxParallelism), MaxParallelism);
        foreach (var state in restored) backend.AddRestoredState(state);
        return backend;
    }

    public void Dispose()
    {
        foreach (var backend in _backends) backend.Dispose();
        if (Directory.Exists(LocalDirectory)) Directory.Delete(LocalDirectory, recursive: true);
    }
}
