using GrainFlow.Runtime.Api.State;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Runtime.State;
using GrainFlow.Runtime.State.RocksDb;
using GrainFlow.Testing.Logging;
using Microsoft.Extensions.Logging;

namespace GrainFlow.Runtime.Tests.State.RocksDb;

/// <summary>
/// Restoring a RocksDB backend from an incremental checkpoint as a subtask grain does, with local recovery: the files come
/// from the local copy the backend kept of that checkpoint, checked against the checkpoint's checksums, so the restore needs
/// nothing from the checkpoint storage; a file of the copy that was changed is downloaded instead, and the log says so. Without
/// local recovery, SST files of a checkpoint storage on the file system are linked, and what the restored instance does to
/// them never changes the checkpoint.
/// </summary>
[Trait("Category", "Unit")]
public sealed class LocalRecoveryRestoreTests : IDisposable
{
    private const long Keys = 2_000;
    private readonly RocksDbTestBackends _backends = new();
    private readonly RocksDbIncrementalCheckpoints _checkpoints = new();
    private readonly CapturedLog _log = new("GrainFlow.");
    private readonly List<IKeyedStateBackend<long>> _restored = new();

    [Fact]
    public async Task ARestoreWithALocalCopyTakesEveryFileFromItAndNeedsNothingFromTheCheckpointStorage()
    {
        var snapshot = await CheckpointKeepingALocalCopyAsync();
        var files = Files(snapshot);
        foreach (var key in files.Select(f => f.Key)) Assert.True(await _checkpoints.Storage.Store.DeleteAsync(key));

        var restored = await RestoreAsync();

        AssertCounts(restored);
        Assert.Contains($"with local recovery: {files.Count} files ({files.Sum(f => f.File.Size)} bytes) from the local copy '{LocalCopy()}', 0 files (0 bytes) downloaded",
            Assert.Single(Logged(LogLevel.Information)));
    }

    [Fact]
    public async Task AFileOfTheLocalCopyThatWasChangedIsDetectedByItsChecksumAndDownloadedInsteadAndTheStateIsExact()
    {
        var snapshot = await CheckpointKeepingALocalCopyAsync();
        var changed = snapshot.IncrementalState!.SharedState.MaxBy(f => f.Size)!;
        var path = Path.Combine(LocalCopy(), changed.LocalPath);
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0xFF;
        // A new file: the copy's SST files are links to the instance's, which must not change with it.
        File.Delete(path);
        File.WriteAllBytes(path, bytes);

        var restored = await RestoreAsync();

        AssertCounts(restored);
        var warning = Assert.Single(Logged(LogLevel.Warning));
        Assert.Equal($"The local copy of state file '{changed.LocalPath}' of checkpoint 1 does not match the checksum or size the checkpoint recorded (in '{LocalCopy()}'); "
            + "downloading it from checkpoint storage instead", warning);
        Assert.EndsWith($", 1 files ({changed.Size} bytes) downloaded", Assert.Single(Logged(LogLevel.Information)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WhatAnInstanceRestoredFromAFileSystemCheckpointStorageDoesToItsFilesLeavesTheCheckpointAsItWas()
    {
        var snapshot = await CheckpointKeepingALocalCopyAsync(keepLocalCopy: false);
        var restored = (RocksDbKeyedStateBackend<long>)Assert.Single(await RestoreAsync(localRecovery: false));
        // Overwrite every key and compact: RocksDB deletes every SST file the restore put there and writes new ones.
        Write(restored, 9);
        foreach (var name in restored.Instance.OpenedColumnFamilies) restored.Instance.Db.CompactRange((byte[]?)null, null, restored.Instance.Column(name));
        restored.Dispose();

        foreach (var (file, key) in Files(snapshot))
        {
            var stored = File.ReadAllBytes(_checkpoints.FileOf(key));
            Assert.Equal((file.Size, file.Checksum), (stored.LongLength, StateChecksum.Compute(snapshot.IncrementalState!.ChecksumAlgorithm, stored)));
        }
        AssertCounts(await RestoreAsync(localRecovery: false));
    }

    private async Task<OperatorSnapshot> CheckpointKeepingALocalCopyAsync(bool keepLocalCopy = true)
    {
        var backend = _backends.Backend(0, 1);
        Write(backend, 1);
        var snapshot = await _checkpoints.SnapshotAsync(backend, 1, localState: keepLocalCopy ? LocalState() : null);
        await _checkpoints.CompleteAsync(1, [snapshot]);
        Write(backend, 2); // after the checkpoint: not restored
        return snapshot;
    }

    private async Task<List<IKeyedStateBackend<long>>> RestoreAsync(bool localRecovery = true)
    {
        var restore = await _checkpoints.RestoreAsync(1, 0, 1, localRecovery: localRecovery ? _checkpoints.LocalRecovery : null,
            logger: _log.CreateLogger("GrainFlow.Tests"));
        var backend = _checkpoints.Backend(0, 1, restore);
        _restored.Add(backend);
        return [backend];
    }

    private IEnumerable<string> Logged(LogLevel level) => _log.Lines.Where(l => l.Level == level).Select(l => l.Message);

    private LocalStateStore LocalState() => _checkpoints.LocalRecovery.StoreFor(RocksDbIncrementalCheckpoints.Uid, _backends.Backend(0, 1).KeyGroups);

    private string LocalCopy() => LocalState().Retrieve(1)!;

    /// <summary>Every file of the snapshot with its key in the checkpoint storage.</summary>
    private List<(HandleAndLocalPath File, string Key)> Files(OperatorSnapshot snapshot) =>
    [
        .. snapshot.IncrementalState!.PrivateState.Select(f => (f, _checkpoints.DirectoryKey(1) + f.Path)),
        .. snapshot.IncrementalState.SharedState.Select(f => (f, _checkpoints.Storage.Key(f.Path))),
    ];

    private static void Write(IKeyedStateBackend<long> backend, long value)
    {
        var counts = backend.GetValueState(new ValueStateDescriptor<long>("count"));
        for (long key = 0; key < Keys; key++)
        {
            backend.SetCurrentKey(key);
            counts.Update(value);
        }
    }

    private static void AssertCounts(IEnumerable<IKeyedStateBackend<long>> restored)
    {
        var backend = Assert.Single(restored);
        var counts = backend.GetValueState(new ValueStateDescriptor<long>("count"));
        for (long key = 0; key < Keys; key++)
        {
            backend.SetCurrentKey(key);
            Assert.Equal(1, counts.Value);
        }
    }

    public void Dispose()
    {
        foreach (var backend in _restored) backend.Dispose();
        _backends.Dispose();
        _checkpoints.Dispose();
    }
}
