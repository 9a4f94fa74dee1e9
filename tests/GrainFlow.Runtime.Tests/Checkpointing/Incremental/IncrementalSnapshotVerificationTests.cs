using GrainFlow.Configuration;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Errors;
using GrainFlow.Storage.FileSystem;
using GrainFlow.Testing.Cluster;

namespace GrainFlow.Runtime.Tests.Checkpointing.Incremental;

/// <summary>
/// A restore verifies the files of incremental handles as it does state files: a checkpoint whose shared file was
/// deleted by hand, or whose private file was changed, is refused naming the file — also when it is opened by its
/// path (<c>run -s</c>), where the shared files lie two levels above it.
/// </summary>
[Trait("Category", "Unit")]
public sealed class IncrementalSnapshotVerificationTests : IDisposable
{
    private readonly TemporaryDirectory _temp = new("grainflow-incremental-verify");

    private async Task<(IncrementalCheckpointHarness Job, CompletedCheckpoint Checkpoint)> CheckpointAsync()
    {
        var job = new IncrementalCheckpointHarness(CheckpointStorage.OnStore(new FileSystemObjectStore(_temp.Combine("checkpoints"))), _temp.Combine("local"), numRetained: 2);
        await job.StartAsync();
        await job.CheckpointAsync(1, "000001.sst", "000002.sst");
        await job.CheckpointAsync(2, "000002.sst", "000003.sst");
        return (job, job.Store.Latest!);
    }

    [Fact]
    public async Task AnIntactIncrementalCheckpointVerifiesInItsStorageAndOpenedByItsPath()
    {
        var (job, checkpoint) = await CheckpointAsync();

        await SnapshotVerifier.OpenVerifiedAsync(job.Storage.Store, checkpoint.DirectoryKey, checkpoint.ExternalPath, GrainFlowConfiguration.Empty);
        var (_, metadata) = await SnapshotResolver.OpenVerifiedAsync(checkpoint.ExternalPath, GrainFlowConfiguration.Empty);

        Assert.Equal(2, metadata.CheckpointId);
    }

    [Fact]
    public async Task ASharedFileDeletedByHandIsNamedAsMissing()
    {
        var (job, checkpoint) = await CheckpointAsync();
        // 000002.sst was uploaded by checkpoint 1 and is reused by 2.
        var shared = job.Uploaded.Previous["000002.sst"].Path;
        File.Delete(_temp.Combine("checkpoints", shared));

        var error = await Assert.ThrowsAsync<InvalidDataException>(() =>
            SnapshotVerifier.OpenVerifiedAsync(job.Storage.Store, checkpoint.DirectoryKey, checkpoint.ExternalPath, GrainFlowConfiguration.Empty));
        var byPath = await Assert.ThrowsAsync<SavepointException>(() => SnapshotResolver.OpenVerifiedAsync(checkpoint.ExternalPath, GrainFlowConfiguration.Empty));

        Assert.Equal($"The state file '{_temp.Combine("checkpoints", shared)}' is missing.", error.Message);
        Assert.Contains(error.Message, byPath.Message);
    }

    /// <summary>Changes the first byte of checkpoint 2's private MANIFEST file, keeping its size.</summary>
    private async Task<(string Manifest, string File, byte[] Bytes)> ChangeTheManifestAsync(IncrementalCheckpointHarness job, CompletedCheckpoint checkpoint)
    {
        var metadata = CheckpointMetadata.FromBytes((await job.Storage.Store.GetAsync(checkpoint.MetadataKey))!.Data, checkpoint.ExternalPath);
        var manifest = IncrementalStateReferences.PrivatePaths(metadata).Single(p => p.Contains("MANIFEST", StringComparison.Ordinal));
        var file = _temp.Combine("checkpoints", job.JobId.Value, "chk-2", manifest);
        var bytes = await File.ReadAllBytesAsync(file);
        bytes[0] ^= 1;
        await File.WriteAllBytesAsync(file, bytes);
        return (manifest, file, bytes);
    }

    [Fact]
    public async Task AChangedPrivateFileIsNamedAsDamaged()
    {
        var (job, checkpoint) = await CheckpointAsync();
        var (manifest, _, _) = await ChangeTheManifestAsync(job, checkpoint);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() =>
            SnapshotVerifier.OpenVerifiedAsync(job.Storage.Store, checkpoint.DirectoryKey, checkpoint.ExternalPath, GrainFlowConfiguration.Empty));

        Assert.StartsWith($"The state file '{checkpoint.ExternalPath.TrimEnd('/')}/{manifest}' is damaged: bytes 0-", error.Message);
    }

    [Fact]
    public async Task CheckingPresenceAndSizeReadsNoStateByteSoPassesAChangedByteButStillFindsAMissingOrTruncatedFile()
    {
        var (job, checkpoint) = await CheckpointAsync();
        var (_, file, bytes) = await ChangeTheManifestAsync(job, checkpoint);
        Task Verify(SnapshotVerification depth) => SnapshotVerifier.OpenVerifiedAsync(job.Storage.Store, checkpoint.DirectoryKey, checkpoint.ExternalPath,
            GrainFlowConfiguration.Empty, default, depth);

        await Verify(SnapshotVerification.PresenceAndSize);
        await Assert.ThrowsAsync<InvalidDataException>(() => Verify(SnapshotVerification.EveryByte));

        await File.WriteAllBytesAsync(file, bytes[..^1]);
        var truncated = await Assert.ThrowsAsync<InvalidDataException>(() => Verify(SnapshotVerification.PresenceAndSize));
        Assert.Contains("truncated", truncated.Message);
        await File.WriteAllBytesAsync(file, bytes);
        File.Delete(_temp.Combine("checkpoints", job.Uploaded.Previous["000002.sst"].Path));
        var missing = await Assert.ThrowsAsync<InvalidDataException>(() => Verify(SnapshotVerification.PresenceAndSize));
        Assert.EndsWith("is missing.", missing.Message);
    }

    public void Dispose() => _temp.Dispose();
}
