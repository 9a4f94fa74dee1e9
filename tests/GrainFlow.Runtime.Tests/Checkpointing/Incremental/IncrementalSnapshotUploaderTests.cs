using GrainFlow.Jobs;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Storage.FileSystem;
using GrainFlow.Testing.Cluster;

namespace GrainFlow.Runtime.Tests.Checkpointing.Incremental;

/// <summary>The task-side upload of an incremental snapshot on the file system.</summary>
[Trait("Category", "Unit")]
public sealed class IncrementalSnapshotUploaderTests : IDisposable
{
    private readonly TemporaryDirectory _temp = new("grainflow-incremental-upload");

    private CheckpointStorage Storage() => CheckpointStorage.OnStore(new FileSystemObjectStore(_temp.Combine("checkpoints")));

    [Fact]
    public Task OnlyNewSstFilesAreUploadedToSharedAndPrivateFilesToTheCheckpointDirectory() =>
        IncrementalSnapshotUploaderScenario.OnlyNewSstFilesAreUploadedAsync(Storage(), _temp.Combine("local"));

    [Fact]
    public Task AFullSnapshotOrASavepointReusesNoSharedFile() =>
        IncrementalSnapshotUploaderScenario.FullSnapshotsAndSavepointsUploadEverythingAsync(Storage(), _temp.Combine("local"));

    [Fact]
    public async Task AFileThatIsNotTheSizeTheBackendListedIsNotReferencedAndItsUploadIsRemoved()
    {
        var storage = Storage();
        var path = _temp.Combine("000001.sst");
        await File.WriteAllTextAsync(path, "grown since it was listed");
        var jobId = JobId.New();

        var error = await Assert.ThrowsAsync<IOException>(() => IncrementalSnapshotUploader.UploadAsync(IncrementalSnapshotTarget.ForCheckpoint(storage, jobId, 1),
            "count", new GrainFlow.KeyGroups.KeyGroupRange(0, 1), Guid.NewGuid(), [new LocalStateFile("000001.sst", path, 3)], new Dictionary<string, HandleAndLocalPath>(), false));

        Assert.Contains("has 25 bytes; the backend listed 3", error.Message);
        await foreach (var info in storage.Store.ListAsync("")) Assert.Fail($"left behind: {info.Key}");
    }

    [Fact]
    public async Task ALocalFileNameThatIsNotAPlainNameIsRefused()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => IncrementalSnapshotUploader.UploadAsync(IncrementalSnapshotTarget.ForCheckpoint(Storage(), JobId.New(), 1),
            "count", new GrainFlow.KeyGroups.KeyGroupRange(0, 1), Guid.NewGuid(), [new LocalStateFile("../000001.sst", _temp.Combine("x"), 0)], new Dictionary<string, HandleAndLocalPath>(), false));

        Assert.StartsWith("The local state file '../000001.sst' contains a '.', '..' or empty segment.", error.Message);
    }

    public void Dispose() => _temp.Dispose();
}
