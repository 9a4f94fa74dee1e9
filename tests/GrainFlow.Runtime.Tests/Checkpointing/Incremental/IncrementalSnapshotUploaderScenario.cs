using GrainFlow.Jobs;
using GrainFlow.KeyGroups;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Storage;

namespace GrainFlow.Runtime.Tests.Checkpointing.Incremental;

/// <summary>The uploader's behaviour, the same on every store (file system and Azure Blob storage).</summary>
internal static class IncrementalSnapshotUploaderScenario
{
    private static readonly KeyGroupRange Range = new(0, 63);

    private static LocalStateFile Write(string directory, string name, string content)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, content);
        return new LocalStateFile(name, path, new FileInfo(path).Length);
    }

    private static async Task<SortedSet<string>> KeysAsync(IObjectStore store, string prefix)
    {
        var keys = new SortedSet<string>(StringComparer.Ordinal);
        await foreach (var info in store.ListAsync(prefix)) keys.Add(info.Key);
        return keys;
    }

    /// <summary>
    /// Checkpoint 1 uploads everything; checkpoint 2 (after 1 was confirmed) uploads only its new SST file and its
    /// private files, and references the SST file it kept; each uploaded object holds exactly the local bytes, checksummed.
    /// </summary>
    public static async Task OnlyNewSstFilesAreUploadedAsync(CheckpointStorage storage, string localDirectory)
    {
        var jobId = JobId.New();
        var backend = Guid.NewGuid();
        var uploaded = new UploadedSharedFiles();
        var one = Path.Combine(localDirectory, "chk-1");
        var first = new[] { Write(one, "000007.sst", new string('a', 3000)), Write(one, "000008.sst", "bb"), Write(one, "MANIFEST-000009", "m1"), Write(one, "CURRENT", "MANIFEST-000009\n") };

        var (handle1, bytes1) = await IncrementalSnapshotUploader.UploadAsync(IncrementalSnapshotTarget.ForCheckpoint(storage, jobId, 1), "count", Range, backend, first, uploaded.Previous, false);
        uploaded.Uploaded(handle1);
        uploaded.NotifyCheckpointComplete(1);

        Assert.Equal(first.Sum(f => f.Size), bytes1);
        Assert.Equal(["000007.sst", "000008.sst"], handle1.SharedState.Select(f => f.LocalPath));
        Assert.Equal(["CURRENT", "MANIFEST-000009"], handle1.PrivateState.Select(f => f.LocalPath));

        var two = Path.Combine(localDirectory, "chk-2");
        var second = new[] { Write(two, "000008.sst", "bb"), Write(two, "000010.sst", "cccc"), Write(two, "MANIFEST-000011", "m2"), Write(two, "CURRENT", "MANIFEST-000011\n") };
        var shared = storage.Key(CheckpointLayout.SharedDirectory(jobId));
        var sharedBefore = await KeysAsync(storage.Store, shared);

        var (handle2, bytes2) = await IncrementalSnapshotUploader.UploadAsync(IncrementalSnapshotTarget.ForCheckpoint(storage, jobId, 2), "count", Range, backend, second, uploaded.Previous, false);

        Assert.Equal(4 + 2 + "MANIFEST-000011\n".Length, bytes2);
        Assert.Equal(handle1.SharedState.Single(f => f.LocalPath == "000008.sst"), handle2.SharedState.Single(f => f.LocalPath == "000008.sst"));
        var newSst = handle2.SharedState.Single(f => f.LocalPath == "000010.sst");
        Assert.Equal(sharedBefore.Append(storage.Key(newSst.Path)).ToHashSet(), (await KeysAsync(storage.Store, shared)).ToHashSet());
        var directory = storage.Key(CheckpointLayout.CheckpointDirectory(jobId, 2));
        Assert.Equal(handle2.PrivateState.Select(f => directory + f.Path).ToHashSet(), (await KeysAsync(storage.Store, directory)).ToHashSet());
        foreach (var file in handle2.SharedState.Select(f => (File: f, Key: storage.Key(f.Path))).Concat(handle2.PrivateState.Select(f => (File: f, Key: directory + f.Path))))
        {
            var data = (await storage.Store.GetAsync(file.Key))!.Data;
            Assert.Equal(file.File.Size, data.Length);
            Assert.Equal(file.File.Checksum, StateChecksum.Compute(StateChecksum.Current, data));
        }
        // The handle goes into _metadata as it is, and reads back checked.
        var read = CheckpointMetadata.FromBytes(IncrementalCheckpointHarness.Metadata(jobId, 2, new OperatorSnapshot("count", Range, null, null, IncrementalState: handle2)).ToBytes(), "/chk-2");
        Assert.Equal(handle2.SharedState, read.OperatorSnapshots("count").Single().IncrementalState!.SharedState);
    }

    /// <summary>A full snapshot (after a NO_CLAIM restore) and a savepoint reuse nothing; a savepoint holds every file itself.</summary>
    public static async Task FullSnapshotsAndSavepointsUploadEverythingAsync(CheckpointStorage storage, string localDirectory)
    {
        var jobId = JobId.New();
        var files = new[] { Write(localDirectory, "000001.sst", "x"), Write(localDirectory, "CURRENT", "y") };
        var previous = new Dictionary<string, HandleAndLocalPath> { ["000001.sst"] = new("000001.sst", $"{jobId}/shared/elsewhere", 1, 0) };

        var (full, fullBytes) = await IncrementalSnapshotUploader.UploadAsync(IncrementalSnapshotTarget.ForCheckpoint(storage, jobId, 3), "count", Range, Guid.NewGuid(), files, previous, fullSnapshot: true);
        var savepointDirectory = storage.Key("savepoint-0a1b2c-000000000000/");
        var (savepoint, _) = await IncrementalSnapshotUploader.UploadAsync(IncrementalSnapshotTarget.ForSavepoint(new SnapshotLocation(storage.Store, savepointDirectory, storage.ExternalPath("savepoint-0a1b2c-000000000000")), jobId, 4), "count", Range, Guid.NewGuid(), files, previous, false);

        Assert.Equal(2, fullBytes);
        Assert.StartsWith($"{jobId}/shared/", Assert.Single(full.SharedState).Path);
        Assert.Empty(savepoint.SharedState);
        Assert.Equal(2, savepoint.PrivateState.Count);
        Assert.Equal(savepoint.PrivateState.Select(f => savepointDirectory + f.Path).ToHashSet(), (await KeysAsync(storage.Store, savepointDirectory)).ToHashSet());
    }
}
