using GrainFlow.Configuration;
using GrainFlow.Runtime.Api.Functions;
using GrainFlow.Runtime.Api.State;
using GrainFlow.Runtime.Channels;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Runtime.State;
using GrainFlow.Runtime.Tests.Harness;
using GrainFlow.Runtime.Tests.Tasks;
using GrainFlow.Savepoints;
using GrainFlow.Storage;
using GrainFlow.Storage.FileSystem;
using GrainFlow.Testing.Cluster;

namespace GrainFlow.Runtime.Tests.State.RocksDb;

/// <summary>
/// Incremental checkpoints and native savepoints of a keyed operator on RocksDB, taken by the subtask's checkpointing
/// exactly as in a running job and written to a real store: at the barrier a local RocksDB checkpoint, then its SST
/// files uploaded once to the job's <c>shared/</c> and referenced again by later checkpoints, its private files to
/// <c>chk-n/</c> (a savepoint: every file in its own directory), and the local checkpoint deleted.
/// </summary>
[Trait("Category", "Unit")]
public sealed class RocksDbIncrementalCheckpointTests : IDisposable
{
    private const int Keys = 500;

    private readonly TemporaryDirectory _temp = new("grainflow-rocksdb-incremental");
    private readonly FileSystemObjectStore _store;
    private readonly CheckpointStorage _storage;
    private readonly FakeCheckpointResponder _responder = new();
    private readonly List<IDisposable> _harnesses = new();

    public RocksDbIncrementalCheckpointTests()
    {
        _store = new FileSystemObjectStore(_temp.Combine("checkpoints"));
        _storage = CheckpointStorage.OnStore(_store);
    }

    private string LocalDirectory => _temp.Combine("rocksdb");

    /// <summary>Per key a count of its events, and an event-time timer a minute after each.</summary>
    private sealed class CountWithTimers : KeyedProcessFunction<long, long, long>
    {
        private IValueState<long> _count = null!;

        public override void Open(IKeyedRuntimeContext context) => _count = context.GetState(new ValueStateDescriptor<long>("count"));

        public override void ProcessElement(long value, Context context, ICollector<long> output)
        {
            _count.Update(_count.Value + 1);
            context.TimerService.RegisterEventTimeTimer(context.Timestamp!.Value + 60_000);
        }
    }

    private KeyedOperatorHarness<long, long, long> Counter(bool incremental = true)
    {
        var harness = KeyedOperatorHarness.ForProcessFunction(v => v % Keys, new CountWithTimers(), RocksDbTestBackends.HarnessSetup(LocalDirectory, incremental));
        _harnesses.Add(harness);
        return harness;
    }

    private static void Process(KeyedOperatorHarness<long, long, long> harness, long from, long count)
    {
        for (var value = from; value < from + count; value++) harness.ProcessElement(value, value);
    }

    private static CheckpointBarrier Barrier(long checkpointId, bool fullSnapshot = false) => new(checkpointId, 0, IsSavepoint: false, FullSnapshot: fullSnapshot);

    private async Task<SubtaskSnapshot> CheckpointAsync(KeyedOperatorHarness<long, long, long> harness, CheckpointBarrier barrier)
    {
        harness.Checkpointing(_storage, _responder).CheckpointState(barrier, TimeSpan.Zero, forward: false);
        return await _responder.AcknowledgedAsync(barrier.CheckpointId);
    }

    /// <summary>Completes the checkpoint as the coordinator does (its <c>_metadata</c>, verified as a restore verifies it) and confirms it to the subtask.</summary>
    private async Task<CheckpointMetadata> CompleteAsync(KeyedOperatorHarness<long, long, long> harness, SubtaskSnapshot snapshot, long checkpointId)
    {
        var directory = CheckpointLayout.CheckpointDirectory(harness.JobId, checkpointId);
        var metadata = await WriteMetadataAsync(_store, directory, harness, snapshot, checkpointId, savepointFormat: null);
        await SnapshotVerifier.OpenVerifiedAsync(_store, directory, _storage.ExternalPath(directory), GrainFlowConfiguration.Empty);
        await harness.Checkpointing(_storage, _responder).NotifyCheckpointCompleteAsync(checkpointId);
        return metadata;
    }

    private static async Task<CheckpointMetadata> WriteMetadataAsync(IObjectStore store, string directoryKey, KeyedOperatorHarness<long, long, long> harness, SubtaskSnapshot snapshot,
        long checkpointId, SavepointFormatType? savepointFormat)
    {
        var metadata = CheckpointMetadata.Create(harness.JobId.Value, "harness", checkpointId, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch,
            savepointFormat is not null, 128, [new VertexStateMetadata("process", 1, [snapshot])], savepointFormat);
        await store.PutAsync(directoryKey + CheckpointLayout.MetadataFileName, metadata.ToBytes(), WriteCondition.IfNotExists);
        return metadata;
    }

    private static IncrementalKeyedStateHandle Handle(SubtaskSnapshot snapshot)
    {
        var op = Assert.Single(snapshot.Operators);
        Assert.Null(op.State);
        return op.IncrementalState ?? throw new Xunit.Sdk.XunitException("the operator's keyed state is not incremental");
    }

    private string[] LocalCheckpoints() => RocksDbTestBackends.LocalCheckpoints(LocalDirectory);

    [Fact]
    public async Task TheFirstIncrementalCheckpointUploadsItsSstFilesToSharedItsPrivateFilesToChkNAndItsMetadataReferencesThem()
    {
        var harness = Counter();
        Process(harness, 0, 2 * Keys);

        var snapshot = await CheckpointAsync(harness, Barrier(1));

        var handle = Handle(snapshot);
        Assert.NotEmpty(handle.SharedState);
        Assert.All(handle.SharedState, f => Assert.True(f.LocalPath.EndsWith(".sst", StringComparison.Ordinal) && f.Path.StartsWith($"{harness.JobId}/shared/", StringComparison.Ordinal), f.Path));
        Assert.Contains(handle.PrivateState, f => f.LocalPath.StartsWith("MANIFEST-", StringComparison.Ordinal));
        Assert.Contains(handle.PrivateState, f => f.LocalPath == "CURRENT");
        Assert.All(handle.PrivateState, f => Assert.False(f.LocalPath.EndsWith(".sst", StringComparison.Ordinal)));
        var stored = await StoredKeysAsync();
        Assert.Equal(
            handle.SharedState.Select(f => f.Path).Concat(handle.PrivateState.Select(f => CheckpointLayout.CheckpointDirectory(harness.JobId, 1) + f.Path)).Order(StringComparer.Ordinal),
            stored);
        // The first checkpoint uploads everything it references.
        Assert.Equal(snapshot.FullStateSize, snapshot.StateSize);
        Assert.Equal(stored.Sum(k => new FileInfo(_temp.Combine("checkpoints", k)).Length), snapshot.StateSize);

        var metadata = await CompleteAsync(harness, snapshot, 1);
        Assert.Equal(handle.SharedState.Select(f => f.Path).ToHashSet(), IncrementalStateReferences.SharedPaths(CheckpointMetadata.FromBytes(metadata.ToBytes(), "chk-1")));
        Assert.Empty(LocalCheckpoints());
    }

    [Fact]
    public async Task ACheckpointAfterASmallChangeUploadsOnlyTheNewSstFilesAndReferencesThoseOfTheConfirmedCheckpoint()
    {
        var harness = Counter();
        Process(harness, 0, 40 * Keys);
        var checkpoint1 = await CheckpointAsync(harness, Barrier(1));
        var first = Handle(checkpoint1);
        await CompleteAsync(harness, checkpoint1, 1);

        Process(harness, 0, 10);
        var snapshot = await CheckpointAsync(harness, Barrier(2));

        var second = Handle(snapshot);
        // Every SST file of checkpoint 1 is still live (no compaction yet) and referenced where checkpoint 1 uploaded it.
        Assert.All(first.SharedState, f => Assert.Contains(f, second.SharedState));
        var added = second.SharedState.Except(first.SharedState).ToList();
        Assert.NotEmpty(added);
        Assert.All(added, f => Assert.Contains($"-{second.BackendIdentifier}-2-", f.Path, StringComparison.Ordinal));
        Assert.Equal(added.Sum(f => f.Size) + second.PrivateState.Sum(f => f.Size), snapshot.StateSize);
        Assert.True(snapshot.StateSize * 5 < snapshot.FullStateSize, $"checkpoint 2 uploaded {snapshot.StateSize} of {snapshot.FullStateSize} bytes");
        // Uploaded once: shared/ holds the files of both checkpoints, each once.
        Assert.Equal(second.SharedState.Select(f => f.Path).Order(StringComparer.Ordinal), await StoredKeysAsync($"{harness.JobId}/shared/"));
        await CompleteAsync(harness, snapshot, 2);
        Assert.Empty(LocalCheckpoints());
    }

    [Fact]
    public async Task OnlyConfirmedUploadsAreReusedAndABarrierAskingForAFullSnapshotUploadsEveryFileAgain()
    {
        var harness = Counter();
        Process(harness, 0, 2 * Keys);
        var first = Handle(await CheckpointAsync(harness, Barrier(1)));

        // Checkpoint 1 was never confirmed (the coordinator may delete its files): checkpoint 2 uploads its own.
        Process(harness, 0, 10);
        var checkpoint2 = await CheckpointAsync(harness, Barrier(2));
        var unconfirmed = Handle(checkpoint2);
        Assert.Empty(unconfirmed.SharedState.Intersect(first.SharedState));
        await CompleteAsync(harness, checkpoint2, 2);

        Process(harness, 0, 10);
        var full = Handle(await CheckpointAsync(harness, Barrier(3, fullSnapshot: true)));
        Assert.All(full.SharedState, f => Assert.Contains($"-{full.BackendIdentifier}-3-", f.Path, StringComparison.Ordinal));
        // SST files checkpoint 2 uploaded are still live, and were uploaded again.
        Assert.NotEmpty(full.SharedState.Select(f => f.LocalPath).Intersect(unconfirmed.SharedState.Select(f => f.LocalPath)));
    }

    [Fact]
    public async Task TheUploadedFilesAreTheWholeDatabaseTheOperatorsTimersIncluded()
    {
        var harness = Counter();
        Process(harness, 0, 2 * Keys);

        var handle = Handle(await CheckpointAsync(harness, Barrier(1)));

        var database = await DownloadAsync(handle, CheckpointLayout.CheckpointDirectory(harness.JobId, 1), _temp.Combine("downloaded"));
        Assert.Equal(Keys, RocksDbTestBackends.CountKeys(database, "count"));
        // Two events per key, each with its own timer.
        Assert.Equal(2 * Keys, RocksDbTestBackends.CountKeys(database, TimerStateNames.Event(TimerStateNames.UserTimers)));
    }

    [Fact]
    public async Task ANativeSavepointHoldsEveryFileInItsOwnDirectorySoThatACopyOfItElsewhereIsComplete()
    {
        var harness = Counter();
        Process(harness, 0, 2 * Keys);
        await CompleteAsync(harness, await CheckpointAsync(harness, Barrier(1)), 1);
        Process(harness, 0, 10);
        var savepointDirectory = _temp.Combine("savepoints", "savepoint-1");

        var snapshot = await CheckpointAsync(harness, new CheckpointBarrier(2, 0, IsSavepoint: true, new SnapshotTarget(savepointDirectory, SavepointFormatType.Native)));

        var handle = Handle(snapshot);
        Assert.Empty(handle.SharedState);
        Assert.Contains(handle.PrivateState, f => f.LocalPath.EndsWith(".sst", StringComparison.Ordinal));
        Assert.Equal(snapshot.FullStateSize, snapshot.StateSize);
        var savepointStore = new FileSystemObjectStore(savepointDirectory);
        await WriteMetadataAsync(savepointStore, "", harness, snapshot, 2, SavepointFormatType.Native);
        var copy = _temp.Combine("moved", "savepoint-1");
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.GetFiles(savepointDirectory)) File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        Directory.Delete(savepointDirectory, recursive: true);

        var (_, metadata) = await SnapshotResolver.OpenVerifiedAsync(copy, GrainFlowConfiguration.Empty);
        Assert.True(metadata.IsSavepoint);
        Assert.Equal(SavepointFormatType.Native, metadata.SavepointFormat);
        var database = await DownloadAsync(handle, "", _temp.Combine("downloaded"), new FileSystemObjectStore(copy));
        Assert.Equal(Keys, RocksDbTestBackends.CountKeys(database, "count"));
        Assert.Empty(LocalCheckpoints());
    }

    [Fact]
    public async Task CanonicalSavepointsAndCheckpointsWithoutIncrementalKeepTheCanonicalFormat()
    {
        var incremental = Counter();
        Process(incremental, 0, Keys);
        var canonical = await CheckpointAsync(incremental, new CheckpointBarrier(1, 0, IsSavepoint: true, new SnapshotTarget(_temp.Combine("savepoints", "canonical"), SavepointFormatType.Canonical)));
        var full = Counter(incremental: false);
        Process(full, 0, Keys);
        var checkpoint = await CheckpointAsync(full, Barrier(2));

        Assert.All(new[] { canonical, checkpoint }, s => Assert.True(s.Operators.Single() is { State: not null, IncrementalState: null }));
        Assert.Empty(LocalCheckpoints());
    }

    private async Task<SortedSet<string>> StoredKeysAsync(string prefix = "")
    {
        var keys = new SortedSet<string>(StringComparer.Ordinal);
        await foreach (var info in _store.ListAsync(prefix)) keys.Add(info.Key);
        return keys;
    }

    /// <summary>The files of <paramref name="handle"/> under their local names, as a restore lays them out.</summary>
    private async Task<string> DownloadAsync(IncrementalKeyedStateHandle handle, string directoryKey, string target, IObjectStore? store = null)
    {
        Directory.CreateDirectory(target);
        foreach (var (file, key) in handle.SharedState.Select(f => (f, f.Path)).Concat(handle.PrivateState.Select(f => (f, directoryKey + f.Path))))
        {
            var stored = await (store ?? _store).GetAsync(key) ?? throw new Xunit.Sdk.XunitException($"'{key}' is missing");
            await File.WriteAllBytesAsync(Path.Combine(target, file.LocalPath), stored.Data);
        }
        return target;
    }

    public void Dispose()
    {
        foreach (var harness in _harnesses) harness.Dispose();
        _temp.Dispose();
    }
}
