using GrainFlow.Configuration;
using GrainFlow.Jobs;
using GrainFlow.KeyGroups;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Runtime.Configuration;
using GrainFlow.Runtime.Operators;
using GrainFlow.Runtime.State;
using GrainFlow.Runtime.State.RocksDb;
using GrainFlow.Storage.FileSystem;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GrainFlow.Runtime.Tests.State.RocksDb;

/// <summary>
/// Incremental checkpoints of RocksDB backends in a real checkpoint storage on the file system, taken as a subtask takes
/// them (a native checkpoint of the instance, uploaded by <see cref="IncrementalSnapshotUploader"/> to <c>shared/</c> and
/// <c>chk-n/</c>, <c>_metadata</c> v4), and restored as a subtask grain restores them (<see cref="SubtaskStateRestorer"/>,
/// with the job's RocksDB local directory). Everything local lives in one temporary directory, deleted with it.
/// </summary>
internal sealed class RocksDbIncrementalCheckpoints : IDisposable
{
    public const string Uid = "keyed";

    private readonly string _root = Path.Combine(Path.GetTempPath(), "grainflow-incremental-restore-tests", Guid.NewGuid().ToString("N"));

    /// <param name="storage">Where the checkpoints go (a blob container); default: a directory in the temporary directory.</param>
    public RocksDbIncrementalCheckpoints(CheckpointStorage? storage = null)
    {
        Directory.CreateDirectory(Path.Combine(_root, "storage"));
        Directory.CreateDirectory(Path.Combine(_root, "native"));
        Storage = storage ?? CheckpointStorage.OnStore(new FileSystemObjectStore(Path.Combine(_root, "storage")));
    }

    public CheckpointStorage Storage { get; }

    public JobId JobId { get; } = JobId.New();

    /// <summary>Where the restoring backends work (<c>state.backend.rocksdb.localdir</c>).</summary>
    public string LocalDirectory => Path.Combine(_root, "local");

    /// <summary>The job configuration of the restoring subtasks: <paramref name="backend"/> with this local directory.</summary>
    public GrainFlowConfiguration Configuration(string backend = StateBackendsUnderTest.RocksDb) => GrainFlowConfiguration.Empty
        .With(CheckpointingOptions.StateBackend.Key, backend)
        .With(StateBackendOptions.RocksDbLocalDirectory.Key, LocalDirectory);

    public string DirectoryKey(long checkpointId) => Storage.Key(CheckpointLayout.CheckpointDirectory(JobId, checkpointId));

    public string ExternalPath(long checkpointId) => Storage.ExternalPath(CheckpointLayout.CheckpointDirectory(JobId, checkpointId));

    /// <summary>The path of a file of the default storage on disk.</summary>
    public string FileOf(string key) => Path.Combine(_root, "storage", key);

    /// <summary>Replaces the stored object <paramref name="key"/> by <paramref name="change"/> of its bytes (what damage on the storage does).</summary>
    public async Task ChangeAsync(string key, Func<byte[], byte[]> change)
    {
        var stored = (await Storage.Store.GetAsync(key))!;
        await Storage.Store.DeleteAsync(key);
        await Storage.Store.PutAsync(key, change(stored.Data.ToArray()));
    }

    /// <summary>The incremental snapshot of one subtask's RocksDB backend at checkpoint <paramref name="checkpointId"/>, uploaded.</summary>
    /// <param name="localState">Where the backend keeps the local copies of its checkpoints (local recovery); null: the local checkpoint is deleted.</param>
    public async Task<OperatorSnapshot> SnapshotAsync<TKey>(IKeyedStateBackend<TKey> backend, long checkpointId, UploadedSharedFiles? uploaded = null,
        LocalStateStore? localState = null) where TKey : notnull
    {
        var rocksDb = (RocksDbKeyedStateBackend<TKey>)backend;
        var native = rocksDb.TakeNativeCheckpoint(Path.Combine(_root, "native", Guid.NewGuid().ToString("N")));
        var files = native.Files.Select(f => new LocalStateFile(f.Name, Path.Combine(native.Directory, f.Name), f.Bytes)).ToList();
        var (handle, _) = await IncrementalSnapshotUploader.UploadAsync(IncrementalSnapshotTarget.ForCheckpoint(Storage, JobId, checkpointId), Uid, rocksDb.KeyGroups,
            Guid.NewGuid(), files, uploaded?.Previous ?? new Dictionary<string, HandleAndLocalPath>(), fullSnapshot: false);
        if (localState?.Store(checkpointId, native.Directory) != true) Directory.Delete(native.Directory, recursive: true);
        return new OperatorSnapshot(Uid, rocksDb.KeyGroups, null, null, IncrementalState: handle);
    }

    /// <summary>Completes checkpoint <paramref name="checkpointId"/> of the subtasks' snapshots (in subtask order): writes its <c>_metadata</c>.</summary>
    public async Task CompleteAsync(long checkpointId, IReadOnlyList<OperatorSnapshot> subtasks, int maxParallelism = KeyedStateCheckpoints.MaxParallelism)
    {
        var metadata = CheckpointMetadata.Create(JobId.Value, "incremental-restore", checkpointId, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, false, maxParallelism,
            [new VertexStateMetadata(Uid, subtasks.Count, subtasks.Select((s, i) => new SubtaskSnapshot(Uid, i, [s], TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero)).ToList())], null);
        await Storage.Store.PutAsync(DirectoryKey(checkpointId) + CheckpointLayout.MetadataFileName, metadata.ToBytes());
    }

    /// <summary>What subtask <paramref name="subtask"/> of <paramref name="parallelism"/> restores from checkpoint <paramref name="checkpointId"/>, as its grain loads it.</summary>
    /// <param name="localRecovery">The job's local copies (<see cref="LocalRecovery"/>), or null: local recovery off.</param>
    /// <param name="logger">Where the restore logs what it took from the local copies.</param>
    public async Task<OperatorRestore> RestoreAsync(long checkpointId, int subtask, int parallelism, string backend = StateBackendsUnderTest.RocksDb,
        int maxParallelism = KeyedStateCheckpoints.MaxParallelism, LocalRecoveryConfig? localRecovery = null, ILogger? logger = null)
    {
        var (_, operators) = await SubtaskStateRestorer.LoadAsync(Storage, DirectoryKey(checkpointId), ExternalPath(checkpointId), [(Uid, true)], subtask, parallelism,
            KeyGroupAssignment.RangeForSubtask(subtask, parallelism, maxParallelism), KeyedStateCheckpoints.Codecs, Configuration(backend), localRecovery,
            logger ?? NullLogger.Instance, CancellationToken.None);
        return operators[Uid];
    }

    /// <summary>Where this job's local copies of checkpoints are (local recovery on), next to the backends' working directories.</summary>
    public LocalRecoveryConfig LocalRecovery => new(Path.Combine(LocalDirectory, LocalRecoveryConfig.DirectoryName), JobId);

    /// <summary>The backend subtask <paramref name="subtask"/> of <paramref name="parallelism"/> opens from <paramref name="restore"/>, as a keyed operator creates it.</summary>
    public IKeyedStateBackend<long> Backend(int subtask, int parallelism, OperatorRestore restore) =>
        KeyedStateBackendFactories.Create<long>(new OperatorContext(JobId, "incremental-restore", 1, Uid, subtask, parallelism, KeyedStateCheckpoints.MaxParallelism,
            Configuration(), StateBackendsUnderTest.Services, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, restore));

    /// <summary>The instance directories under the local directory (each backend's, or a download's).</summary>
    public IReadOnlyList<string> InstanceDirectories() => Directory.Exists(LocalDirectory)
        ? Directory.GetDirectories(LocalDirectory, RocksDbWorkingDirectory.NamePrefix + "*")
        : [];

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}
