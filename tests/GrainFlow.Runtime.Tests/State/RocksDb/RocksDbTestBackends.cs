using GrainFlow.KeyGroups;
using GrainFlow.Runtime.State;
using GrainFlow.Runtime.State.RocksDb;
using RocksDbSharp;
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
    internal RocksDbKeyedStateBackend<long> Backend(int subtask, int parallelism, params RestoredKeyedState[] restored) => Backend(subtask, parallelism, TimeProvider.System, restored);

    /// <summary>The RocksDB backend of subtask <paramref name="subtask"/> of <paramref name="parallelism"/> on the clock <paramref name="time"/>.</summary>
    internal RocksDbKeyedStateBackend<long> Backend(int subtask, int parallelism, TimeProvider time, params RestoredKeyedState[] restored)
    {
        var backend = new RocksDbKeyedStateBackend<long>(KeyGroupAssignment.RangeForSubtask(subtask, parallelism, MaxParallelism), MaxParallelism, Codecs, Options, time: time);
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

    /// <summary>The setup of a harness whose operator keeps its state in RocksDB under <paramref name="localDirectory"/>, with incremental checkpoints or not.</summary>
    internal static Harness.HarnessSetup HarnessSetup(string localDirectory, bool incremental = true) => new(Backend: StateBackendsUnderTest.RocksDb,
        Settings: new Dictionary<string, string>
        {
            ["execution.checkpointing.incremental"] = incremental ? "true" : "false",
            ["state.backend.rocksdb.localdir"] = localDirectory,
        });

    /// <summary>The local checkpoints (<c>chk-n</c>, and RocksDB's <c>chk-n.tmp</c>) in the working directories of the instances under <paramref name="localDirectory"/>.</summary>
    public static string[] LocalCheckpoints(string localDirectory) => Directory.Exists(localDirectory)
        ? Directory.GetDirectories(localDirectory, RocksDbWorkingDirectory.NamePrefix + "*").SelectMany(d => Directory.GetDirectories(d, "chk-*")).ToArray()
        : [];

    /// <summary>How many keys column family <paramref name="column"/> of the RocksDB database in <paramref name="directory"/> holds (opened read-only).</summary>
    public static int CountKeys(string directory, string column)
    {
        var families = new ColumnFamilies();
        foreach (var name in RocksDbSharp.RocksDb.ListColumnFamilies(new DbOptions(), directory).Where(n => n != ColumnFamilies.DefaultName)) families.Add(name, new ColumnFamilyOptions());
        using var db = RocksDbSharp.RocksDb.OpenReadOnly(new DbOptions(), directory, families, errIfLogFileExists: false);
        using var iterator = db.NewIterator(db.GetColumnFamily(column));
        var count = 0;
        for (iterator.SeekToFirst(); iterator.Valid(); iterator.Next()) count++;
        return count;
    }

    public void Dispose()
    {
        foreach (var backend in _backends) backend.Dispose();
        if (Directory.Exists(LocalDirectory)) Directory.Delete(LocalDirectory, recursive: true);
    }
}
