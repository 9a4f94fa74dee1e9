using GrainFlow.Configuration;
using GrainFlow.Jobs;
using GrainFlow.KeyGroups;
using GrainFlow.Runtime.State.RocksDb;
using GrainFlow.Testing.Cluster;

namespace GrainFlow.Runtime.Tests.State.RocksDb;

/// <summary>
/// The local copies of one operator subtask's checkpoints (Flink's TaskLocalStateStore): a RocksDB checkpoint is moved in as
/// <c>chk-n</c>, the copies of older checkpoints go when a newer one is confirmed, all of the job's at its end — and nothing
/// GrainFlow did not put there.
/// </summary>
[Trait("Category", "Unit")]
public sealed class LocalStateStoreTests : IDisposable
{
    private readonly TemporaryDirectory _temp = new("grainflow-local-state-tests");
    private readonly LocalRecoveryConfig _config;

    public LocalStateStoreTests() => _config = new LocalRecoveryConfig(_temp.Combine(LocalRecoveryConfig.DirectoryName), JobId.New());

    [Fact]
    public void AStoredCheckpointIsMovedInAndTheCopiesOfOlderCheckpointsGoWhenANewerOneIsConfirmed()
    {
        var store = _config.StoreFor("count", new KeyGroupRange(0, 63));
        foreach (var id in new long[] { 1, 2, 3 }) Assert.True(store.Store(id, RocksDbCheckpoint(id)));
        Assert.False(Directory.Exists(_temp.Combine("rocksdb-chk-1")));
        Assert.Equal("1", File.ReadAllText(Path.Combine(store.Retrieve(1)!, "000001.sst")));

        store.Confirm(2);

        Assert.Null(store.Retrieve(1));
        Assert.NotNull(store.Retrieve(2));
        Assert.NotNull(store.Retrieve(3)); // newer than the confirmed one: it may complete next
    }

    [Fact]
    public void TheEndOfTheJobDeletesEveryCopyOfItsOperatorsButNothingElseInTheirDirectories()
    {
        var count = _config.StoreFor("count", new KeyGroupRange(0, 63));
        var window = _config.StoreFor("window/1", new KeyGroupRange(64, 127));
        Assert.True(count.Store(1, RocksDbCheckpoint(1)));
        Assert.True(window.Store(1, RocksDbCheckpoint(2)));
        var foreign = Path.Combine(window.Directory, "notes.txt");
        File.WriteAllText(foreign, "not GrainFlow's");
        var other = new LocalRecoveryConfig(_config.RootDirectory, JobId.New()).StoreFor("count", new KeyGroupRange(0, 63));
        Assert.True(other.Store(1, RocksDbCheckpoint(3)));

        _config.DiscardJob();

        Assert.False(Directory.Exists(count.Directory));
        Assert.Null(window.Retrieve(1));
        Assert.True(File.Exists(foreign));
        Assert.NotNull(other.Retrieve(1)); // another job's copies stay
    }

    [Fact]
    public void LocalRecoveryIsOnlyForJobsOnRocksDbThatTurnItOn()
    {
        var jobId = JobId.New();
        var rocksDb = GrainFlowConfiguration.Empty.With("state.backend.type", "rocksdb").With("state.backend.rocksdb.localdir", _temp.Path);

        Assert.Null(LocalRecoveryConfig.For(rocksDb, jobId));
        Assert.Null(LocalRecoveryConfig.For(GrainFlowConfiguration.Empty.With("execution.state-recovery.from-local", "true"), jobId)); // hashmap
        Assert.Equal(new LocalRecoveryConfig(Path.Combine(_temp.Path, LocalRecoveryConfig.DirectoryName), jobId),
            LocalRecoveryConfig.For(rocksDb.With("execution.state-recovery.from-local", "true"), jobId));
    }

    /// <summary>A directory standing in for a RocksDB checkpoint in an instance's working directory.</summary>
    private string RocksDbCheckpoint(long id)
    {
        var directory = _temp.Combine($"rocksdb-chk-{id}");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "000001.sst"), id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return directory;
    }

    public void Dispose() => _temp.Dispose();
}
