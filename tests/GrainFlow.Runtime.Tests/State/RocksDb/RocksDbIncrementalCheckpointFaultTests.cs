using GrainFlow.Runtime.Api.Functions;
using GrainFlow.Runtime.Api.State;
using GrainFlow.Runtime.Channels;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Runtime.Tests.Harness;
using GrainFlow.Runtime.Tests.Tasks;
using GrainFlow.Storage;
using GrainFlow.Storage.FileSystem;
using GrainFlow.Testing.Cluster;
using GrainFlow.Testing.Processes;

namespace GrainFlow.Runtime.Tests.State.RocksDb;

/// <summary>
/// Faults while a RocksDB operator takes an incremental checkpoint: a local disk that is full or not writable at the
/// barrier, a local file that changes while it is uploaded. Each declines the checkpoint with the reason — never an
/// acknowledgement with a handle to incomplete files — and leaves no local checkpoint behind. The disks are real: a
/// small tmpfs and a read-only bind mount the test mounts (root or passwordless sudo needed).
/// </summary>
[Trait("Category", "Unit")]
public sealed class RocksDbIncrementalCheckpointFaultTests : IDisposable
{
    private const int Keys = 500;

    private readonly TemporaryDirectory _temp = new("grainflow-rocksdb-incremental-faults");
    private readonly FakeCheckpointResponder _responder = new();
    private readonly List<IDisposable> _harnesses = new();

    private sealed class Count : KeyedProcessFunction<long, long, long>
    {
        private IValueState<long> _count = null!;

        public override void Open(IKeyedRuntimeContext context) => _count = context.GetState(new ValueStateDescriptor<long>("count"));

        public override void ProcessElement(long value, Context context, ICollector<long> output) => _count.Update(_count.Value + value);
    }

    private KeyedOperatorHarness<long, long, long> Counter(string localDirectory)
    {
        var harness = KeyedOperatorHarness.ForProcessFunction(v => v % Keys, new Count(), RocksDbTestBackends.HarnessSetup(localDirectory));
        _harnesses.Add(harness);
        for (long value = 0; value < 20 * Keys; value++) harness.ProcessElement(value);
        return harness;
    }

    private async Task<DeclinedCheckpoint> CheckpointAsync(KeyedOperatorHarness<long, long, long> harness, IObjectStore store)
    {
        harness.Checkpointing(CheckpointStorage.OnStore(store), _responder).CheckpointState(new CheckpointBarrier(1, 0, IsSavepoint: false), TimeSpan.Zero, forward: false);
        return await _responder.DeclinedAsync(1);
    }

    [Fact]
    public async Task ACheckpointOnAFullLocalDiskIsDeclinedWithTheReasonAndLeavesNoLocalCheckpoint()
    {
        await using var disk = await SmallFileSystem.MountAsync(_temp.Combine("small-disk"), 16 * 1024 * 1024);
        var harness = Counter(disk.Path);
        disk.Fill();

        var decline = await CheckpointAsync(harness, new FileSystemObjectStore(_temp.Combine("checkpoints")));

        Assert.StartsWith("taking the snapshot failed: RocksDB could not write a checkpoint of its state to", decline.Reason, StringComparison.Ordinal);
        Assert.Contains("No space left on device", decline.Reason, StringComparison.Ordinal);
        Assert.True(decline.CountsAsFailure);
        Assert.Empty(RocksDbTestBackends.LocalCheckpoints(disk.Path));
        // Declined at the barrier: nothing was uploaded.
        Assert.False(Directory.Exists(_temp.Combine("checkpoints")) && Directory.EnumerateFiles(_temp.Combine("checkpoints"), "*", SearchOption.AllDirectories).Any());
    }

    [Fact]
    public async Task ACheckpointOnALocalDirectoryThatIsNotWritableIsDeclinedWithTheReasonAndLeavesNoLocalCheckpoint()
    {
        var localDirectory = _temp.Combine("rocksdb");
        var harness = Counter(localDirectory);
        var instance = Directory.GetDirectories(localDirectory, "grainflow-rocksdb-*").Single();

        DeclinedCheckpoint decline;
        await using (await ReadOnlyBindMount.MountAsync(instance))
        {
            decline = await CheckpointAsync(harness, new FileSystemObjectStore(_temp.Combine("checkpoints")));
        }

        Assert.StartsWith("taking the snapshot failed: RocksDB could not write a checkpoint of its state to", decline.Reason, StringComparison.Ordinal);
        Assert.Contains("Read-only file system", decline.Reason, StringComparison.Ordinal);
        Assert.Empty(RocksDbTestBackends.LocalCheckpoints(localDirectory));
    }

    [Fact]
    public async Task ALocalFileThatChangesWhileItIsUploadedDeclinesTheCheckpointWithoutLeavingItsUploadOrTheLocalCheckpoint()
    {
        var localDirectory = _temp.Combine("rocksdb");
        var harness = Counter(localDirectory);
        var store = new FileSystemObjectStore(_temp.Combine("checkpoints"));
        var changing = new UploadInterceptingObjectStore(store, key =>
        {
            if (key.EndsWith("-CURRENT", StringComparison.Ordinal)) File.AppendAllText(Path.Combine(RocksDbTestBackends.LocalCheckpoints(localDirectory).Single(), "CURRENT"), "changed");
        });

        var decline = await CheckpointAsync(harness, changing);

        Assert.StartsWith("writing the snapshot failed: The local state file '", decline.Reason, StringComparison.Ordinal);
        Assert.EndsWith("It changed while the snapshot was taken.", decline.Reason, StringComparison.Ordinal);
        Assert.Empty(_responder.Acknowledged);
        Assert.Empty(RocksDbTestBackends.LocalCheckpoints(localDirectory));
        await foreach (var stored in store.ListAsync("")) Assert.False(stored.Key.EndsWith("-CURRENT", StringComparison.Ordinal), stored.Key);
    }

    public void Dispose()
    {
        foreach (var harness in _harnesses) harness.Dispose();
        _temp.Dispose();
    }
}
