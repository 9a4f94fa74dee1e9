using GrainFlow.Runtime.Api.State;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Runtime.Operators;
using GrainFlow.Runtime.State;
using GrainFlow.Runtime.State.RocksDb;
using RocksDbSharp;
using static GrainFlow.Runtime.Tests.State.KeyedStateCheckpoints;

namespace GrainFlow.Runtime.Tests.State.RocksDb;

/// <summary>
/// Restoring RocksDB backends from incremental checkpoints, as a subtask grain loads them and a keyed operator opens its
/// backend: the files are downloaded and checked, the same key groups open the old instance as it is (and its shared
/// files seed the next incremental checkpoint), another parallelism opens the best-covering instance clipped to its key
/// groups and copies in those of the others — every kind of state, namespaces and timers exactly; a missing or damaged
/// file is an error naming it, leaving nothing behind.
/// </summary>
[Trait("Category", "Unit")]
public sealed class RocksDbIncrementalRestoreTests() : RocksDbIncrementalRestoreScenarios(new RocksDbIncrementalCheckpoints());

/// <summary>The restore scenarios on a checkpoint storage of each kind (<see cref="RocksDbIncrementalRestoreTests"/>, Azurite).</summary>
public abstract class RocksDbIncrementalRestoreScenarios : IDisposable
{
    private const int Keys = 300;
    private readonly RocksDbTestBackends _backends = new();
    private readonly RocksDbIncrementalCheckpoints _checkpoints;
    private readonly List<IKeyedStateBackend<long>> _restored = new();

    private protected RocksDbIncrementalRestoreScenarios(RocksDbIncrementalCheckpoints checkpoints) => _checkpoints = checkpoints;

    /// <summary>Backends of <paramref name="parallelism"/> holding every kind of state for <see cref="Keys"/> keys, and their incremental checkpoint 1.</summary>
    private async Task<(List<RocksDbKeyedStateBackend<long>> Backends, List<OperatorSnapshot> Snapshots)> CheckpointAsync(int parallelism)
    {
        var backends = Enumerable.Range(0, parallelism).Select(i => _backends.Backend(i, parallelism)).ToList();
        var states = backends.Select(b => new RocksDbSnapshotTests.States(b)).ToList();
        for (long key = 0; key < Keys; key++) states[backends.IndexOf(Owner(backends, key))].Write(Owner(backends, key), key);
        var snapshots = new List<OperatorSnapshot>();
        foreach (var backend in backends) snapshots.Add(await _checkpoints.SnapshotAsync(backend, 1));
        await _checkpoints.CompleteAsync(1, snapshots);
        return (backends, snapshots);
    }

    private async Task<List<IKeyedStateBackend<long>>> RestoreAsync(long checkpointId, int parallelism)
    {
        var backends = new List<IKeyedStateBackend<long>>();
        for (var subtask = 0; subtask < parallelism; subtask++)
        {
            var backend = _checkpoints.Backend(subtask, parallelism, await _checkpoints.RestoreAsync(checkpointId, subtask, parallelism));
            _restored.Add(backend);
            backends.Add(backend);
        }
        return backends;
    }

    [Theory]
    [InlineData(2, 2)]
    [InlineData(2, 5)]
    [InlineData(4, 1)]
    [InlineData(1, 3)]
    public async Task EveryKindOfStateAndEveryTimerComeBackExactlyFromAnIncrementalCheckpointAtAnyParallelism(int from, int to)
    {
        var (before, snapshots) = await CheckpointAsync(from);

        var after = await RestoreAsync(1, to);

        var states = after.Select(b => new RocksDbSnapshotTests.States(b)).ToList();
        for (long key = 0; key < Keys; key++) states[after.IndexOf(Owner(after, key))].AssertHolds(Owner(after, key), key);
        RocksDbSnapshotTests.AssertSameEntries(before, after);
        Assert.Equal(Keys + Keys / 2, states.Sum(s => s.Timers.Count));
        foreach (var backend in after.Cast<RocksDbKeyedStateBackend<long>>())
        {
            // The clipped and copied instances hold nothing outside their key groups, not even deleted-by-range keys a read would skip.
            Assert.All(RawKeyGroups(backend), keyGroup => Assert.True(backend.KeyGroups.Contains(keyGroup), $"key group {keyGroup} outside {backend.KeyGroups}"));
            // Only an instance restored as it was is the base of the next incremental checkpoint.
            if (from == to) Assert.Equivalent(snapshots[after.IndexOf(backend)].IncrementalState, backend.RestoredIncrementalState, strict: true);
            else Assert.Null(backend.RestoredIncrementalState);
        }
        // The downloads became the instances or were deleted.
        Assert.Equal(to, _checkpoints.InstanceDirectories().Count);
    }

    [Fact]
    public async Task ACheckpointReferencingTheSharedFilesOfAnEarlierOneRestoresTheStateOfItsOwnTimeAndSeedsTheNextUpload()
    {
        var backend = _backends.Backend(0, 1);
        var counts = backend.GetValueState(new ValueStateDescriptor<long>("count"));
        void Write(long from, long to, long value)
        {
            for (var key = from; key < to; key++)
            {
                backend.SetCurrentKey(key);
                counts.Update(value);
            }
        }
        Write(0, 1_000, 1);
        var uploaded = new UploadedSharedFiles();
        var first = await _checkpoints.SnapshotAsync(backend, 1, uploaded);
        uploaded.Uploaded(first.IncrementalState!);
        uploaded.NotifyCheckpointComplete(1);
        Write(500, 1_500, 2);
        var second = await _checkpoints.SnapshotAsync(backend, 2, uploaded);
        await _checkpoints.CompleteAsync(2, [second]);
        Write(0, 2_000, 3); // after the checkpoint: not restored
        Assert.Contains(second.IncrementalState!.SharedState, f => first.IncrementalState!.SharedState.Contains(f));

        var restored = (RocksDbKeyedStateBackend<long>)(await RestoreAsync(2, 1)).Single();

        var restoredCounts = restored.GetValueState(new ValueStateDescriptor<long>("count"));
        for (long key = 0; key < 2_000; key++)
        {
            restored.SetCurrentKey(key);
            Assert.Equal(key < 500 ? 1 : key < 1_500 ? 2 : 0, restoredCounts.Value);
        }
        // The restored instance's files are those of checkpoint 2: its next checkpoint uploads none of them again.
        var next = await _checkpoints.SnapshotAsync(restored, 3, UploadedSharedFiles.Restored(restored.RestoredIncrementalState));
        Assert.Equal(second.IncrementalState.SharedState, next.IncrementalState!.SharedState);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 3)]
    public async Task AStateDeclaredWithAnotherTypeOrKindThanItWasCheckpointedWithIsRefusedNamingBothButTheSameDeclarationRestores(int from, int to)
    {
        await CheckpointAsync(from);

        var after = await RestoreAsync(1, to);

        foreach (var backend in after)
        {
            // "value" holds strings, "max" longs in a window namespace.
            var asNumber = Assert.Throws<InvalidDataException>(() => backend.GetValueState(new ValueStateDescriptor<long>("value")));
            Assert.Contains("state 'value'", asNumber.Message);
            Assert.Contains("values 'string'", asNumber.Message);
            Assert.Contains("values 'long'", asNumber.Message);
            var asMap = Assert.Throws<InvalidDataException>(() => backend.GetMapState(new MapStateDescriptor<string, string>("value")));
            Assert.Contains("as value state", asMap.Message);
            Assert.Contains("declares it as map state", asMap.Message);
            var withoutNamespace = Assert.Throws<InvalidDataException>(() => backend.GetValueState(new ValueStateDescriptor<long>("max")));
            Assert.Contains("state 'max'", withoutNamespace.Message);
        }
        var states = after.Select(b => new RocksDbSnapshotTests.States(b)).ToList();
        for (long key = 0; key < Keys; key++) states[after.IndexOf(Owner(after, key))].AssertHolds(Owner(after, key), key);
    }

    [Fact]
    public async Task AMissingSharedFileIsAnErrorNamingItAndTheCheckpointAndLeavesNothingBehind()
    {
        var (_, snapshots) = await CheckpointAsync(2);
        var missing = snapshots[1].IncrementalState!.SharedState[0].Path;
        Assert.True(await _checkpoints.Storage.Store.DeleteAsync(_checkpoints.Storage.Key(missing)));

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => _checkpoints.RestoreAsync(1, 0, 1));

        Assert.Equal($"The state file '{missing}' of the snapshot at '{_checkpoints.ExternalPath(1)}' is missing; restore from another checkpoint or savepoint.", error.Message);
        Assert.Empty(_checkpoints.InstanceDirectories());
    }

    [Fact]
    public async Task APrivateFileDamagedInPlaceIsAnErrorNamingItAndTheCheckpointAndLeavesNothingBehind()
    {
        var (_, snapshots) = await CheckpointAsync(1);
        var manifest = snapshots[0].IncrementalState!.PrivateState.Single(f => f.LocalPath.StartsWith("MANIFEST", StringComparison.Ordinal));
        await _checkpoints.ChangeAsync(_checkpoints.DirectoryKey(1) + manifest.Path, bytes =>
        {
            bytes[^1] ^= 0xFF;
            return bytes;
        });

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => _checkpoints.RestoreAsync(1, 0, 1));

        Assert.Equal($"The state file '{manifest.Path}' of the snapshot at '{_checkpoints.ExternalPath(1)}' is damaged: it has {manifest.Size} bytes that do not match the recorded checksum; "
            + $"the snapshot recorded {manifest.Size}. Restore from another checkpoint or savepoint.", error.Message);
        Assert.Empty(_checkpoints.InstanceDirectories());
    }

    [Fact]
    public async Task AnIncrementalCheckpointIntoTheHeapBackendIsRefusedBeforeAnythingIsDownloaded()
    {
        await CheckpointAsync(2);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => _checkpoints.RestoreAsync(1, 0, 1, StateBackendsUnderTest.Heap));

        Assert.Equal($"The state of operator '{RocksDbIncrementalCheckpoints.Uid}' in '{_checkpoints.ExternalPath(1)}' is an incremental snapshot of the RocksDB state backend, "
            + "which restores only into state.backend.type=rocksdb; to move the job to another backend, take a canonical savepoint.", error.Message);
        Assert.False(Directory.Exists(_checkpoints.LocalDirectory));
    }

    [Fact]
    public async Task DownloadsOfAnAttemptThatNeverOpensAreDeletedWhenItsRestoreIsReleased()
    {
        await CheckpointAsync(2);
        var restore = await _checkpoints.RestoreAsync(1, 0, 1);
        Assert.Equal(2, _checkpoints.InstanceDirectories().Count);

        restore.Dispose();

        Assert.Empty(_checkpoints.InstanceDirectories());
        Assert.Throws<InvalidOperationException>(() => _checkpoints.Backend(0, 1, restore));
    }

    /// <summary>The key group of every key in every column family of the instance, read from RocksDB directly.</summary>
    private static IEnumerable<int> RawKeyGroups(RocksDbKeyedStateBackend<long> backend)
    {
        foreach (var name in RocksDbSharp.RocksDb.ListColumnFamilies(new DbOptions(), Path.Combine(backend.WorkingDirectory, "db")).Where(n => n != ColumnFamilies.DefaultName))
        {
            using var iterator = backend.Instance.Db.NewIterator(backend.Instance.Column(name));
            for (iterator.SeekToFirst(); iterator.Valid(); iterator.Next()) yield return RocksDbKeyLayout.ReadKeyGroup(iterator.Key(), backend.KeyGroupPrefixBytes);
        }
    }

    public void Dispose()
    {
        foreach (var backend in _restored) backend.Dispose();
        _backends.Dispose();
        _checkpoints.Dispose();
        GC.SuppressFinalize(this);
    }
}
