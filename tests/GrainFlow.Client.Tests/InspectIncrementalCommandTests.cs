using GrainFlow.Client.Commands;
using GrainFlow.Jobs;
using GrainFlow.KeyGroups;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Storage.FileSystem;
using GrainFlow.Testing.Cluster;

namespace GrainFlow.Client.Tests;

/// <summary>
/// <c>grainflow inspect</c> of an incremental checkpoint (RocksDB's files uploaded to <c>shared/</c> and <c>chk-n/</c>,
/// written offline as a job's subtasks and coordinator write them): per subtask its key groups and each shared and
/// private file with its size; <c>--verify</c> checks them all and names a missing one; <c>--dump</c> says why it cannot.
/// </summary>
[Trait("Category", "Unit")]
public sealed class InspectIncrementalCommandTests : IDisposable
{
    private const long CheckpointId = 3;
    private readonly TemporaryDirectory _directory = new("grainflow-inspect-incremental");
    private readonly JobId _jobId = JobId.New();

    private string CheckpointPath => _directory.Combine(_jobId.Value, $"chk-{CheckpointId}");

    /// <summary>Two subtasks of operator 'count', each with two SST files and its MANIFEST and CURRENT.</summary>
    private async Task<IReadOnlyList<IncrementalKeyedStateHandle>> WriteCheckpointAsync()
    {
        var storage = CheckpointStorage.OnStore(new FileSystemObjectStore(_directory.Path));
        var handles = new List<IncrementalKeyedStateHandle>();
        foreach (var (subtask, range) in new[] { (0, new KeyGroupRange(0, 63)), (1, new KeyGroupRange(64, 127)) })
        {
            var local = _directory.Combine("local", subtask.ToString());
            Directory.CreateDirectory(local);
            var files = new List<LocalStateFile>();
            foreach (var (name, bytes) in new[] { ("000011.sst", 1_000 + subtask), ("000012.sst", 2_000), ("MANIFEST-000013", 120), ("CURRENT", 16) })
            {
                var path = Path.Combine(local, name);
                await File.WriteAllBytesAsync(path, Enumerable.Range(0, bytes).Select(i => (byte)(i * (subtask + 7))).ToArray());
                files.Add(new LocalStateFile(name, path, bytes));
            }
            var (handle, _) = await IncrementalSnapshotUploader.UploadAsync(IncrementalSnapshotTarget.ForCheckpoint(storage, _jobId, CheckpointId), "count", range,
                Guid.NewGuid(), files, new Dictionary<string, HandleAndLocalPath>(), fullSnapshot: false);
            handles.Add(handle);
        }
        var subtasks = handles.Select((h, i) => new SubtaskSnapshot("count", i,
            [new OperatorSnapshot("count", new KeyGroupRange(i * 64, i * 64 + 63), null, null, IncrementalState: h)], TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero)).ToList();
        var metadata = CheckpointMetadata.Create(_jobId.Value, "keyed-count", CheckpointId, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, false, 128,
            [new VertexStateMetadata("count", 2, subtasks)], null);
        await storage.Store.PutAsync(storage.Key(CheckpointLayout.CheckpointDirectory(_jobId, CheckpointId)) + CheckpointLayout.MetadataFileName, metadata.ToBytes());
        return handles;
    }

    [Fact]
    public async Task InspectListsEachSubtasksKeyGroupsAndItsSharedAndPrivateFilesWithTheirSizes()
    {
        var handles = await WriteCheckpointAsync();

        var run = await CliRun.RunAsync(["inspect", CheckpointPath]);

        Assert.True(run.ExitCode == 0, run.Stderr);
        var lines = run.StdoutLines;
        Assert.Contains("Operator count (vertex count, parallelism 2)", lines);
        for (var subtask = 0; subtask < 2; subtask++)
        {
            var handle = handles[subtask];
            Assert.Contains($"  Subtask {subtask}: key groups {subtask * 64}-{subtask * 64 + 63}, incremental RocksDB state {3_136 + subtask} bytes in 4 files "
                + $"(backend {handle.BackendIdentifier}, checkpoint {CheckpointId}, checksums xxh3)", lines);
            Assert.Contains($"    Shared file 000011.sst: {1_000 + subtask} bytes ({handle.SharedState[0].Path})", lines);
            Assert.Contains($"    Shared file 000012.sst: 2000 bytes ({handle.SharedState[1].Path})", lines);
            Assert.Contains($"    Private file MANIFEST-000013: 120 bytes ({handle.PrivateState[1].Path})", lines);
            Assert.Contains($"    Private file CURRENT: 16 bytes ({handle.PrivateState[0].Path})", lines);
            Assert.StartsWith($"{_jobId.Value}/shared/count-{subtask * 64}-{subtask * 64 + 63}-{handle.BackendIdentifier}-{CheckpointId}-", handle.SharedState[0].Path);
        }
    }

    [Fact]
    public async Task VerifyChecksEverySharedAndPrivateFileAndNamesAMissingSharedFileInOneLine()
    {
        var handles = await WriteCheckpointAsync();

        var intact = await CliRun.RunAsync(["inspect", CheckpointPath, "--verify"]);
        Assert.True(intact.ExitCode == 0, intact.Stderr);
        Assert.Contains("Verified: every state file is present and matches the size and checksum the snapshot recorded.", intact.StdoutLines);

        var missing = handles[1].SharedState[1].Path;
        File.Delete(_directory.Combine(missing));
        var refused = await CliRun.RunAsync(["inspect", CheckpointPath, "--verify"]);

        Assert.Equal(ExitCodes.Failure, refused.ExitCode);
        Assert.Empty(refused.Stdout);
        Assert.Equal($"Cannot inspect '{CheckpointPath}': The state file '{_directory.Path}/{missing}' is missing.", Assert.Single(refused.StderrLines));
    }

    [Fact]
    public async Task DumpOfAnIncrementalOperatorSaysToTakeACanonicalSavepoint()
    {
        await WriteCheckpointAsync();

        var run = await CliRun.RunAsync(["inspect", CheckpointPath, "--dump", "count"]);

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Empty(run.Stdout);
        Assert.Equal($"Cannot dump 'count' of '{CheckpointPath}': The keyed state of operator 'count' is an incremental snapshot of the RocksDB state backend: "
            + "its entries are in RocksDB's own files, which inspect does not read. Take a canonical savepoint of the job to dump them.", Assert.Single(run.StderrLines));
    }

    public void Dispose() => _directory.Dispose();
}
