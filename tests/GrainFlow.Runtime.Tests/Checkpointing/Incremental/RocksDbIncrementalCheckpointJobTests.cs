using GrainFlow.Configuration;
using GrainFlow.Jobs;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Runtime.Tests.Fixtures;
using GrainFlow.Runtime.Tests.TestJobs;
using GrainFlow.Savepoints;
using GrainFlow.Storage.FileSystem;
using GrainFlow.Testing.Polling;

namespace GrainFlow.Runtime.Tests.Checkpointing.Incremental;

/// <summary>
/// A running keyed job on RocksDB with <c>execution.checkpointing.incremental</c>: its keyed operator's checkpoints are
/// RocksDB's files, each SST file uploaded once to the job's <c>shared/</c> and referenced again by later checkpoints,
/// every retained checkpoint complete (every file present, every byte as recorded), and the statistics report what
/// each checkpoint uploaded.
/// </summary>
[Collection(SharedClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class RocksDbIncrementalCheckpointJobTests(SharedClusterFixture fixture)
{
    [Fact]
    public async Task AKeyedJobOnRocksDbTakesIncrementalCheckpointsThatReuseTheSharedFilesOfEarlierOnesAndAreEachComplete()
    {
        var checkpoints = fixture.Directory.Combine($"incremental-{Guid.NewGuid():N}");
        var cluster = fixture.Cluster;
        var jobId = await cluster.SubmitAsync(CheckpointedCountJob.Name, new Dictionary<string, string>
        {
            ["keys"] = "5000",
            ["records-per-second"] = "5000",
            ["execution.checkpointing.interval"] = "200 ms",
            ["execution.checkpointing.dir"] = checkpoints,
            ["execution.checkpointing.num-retained"] = "3",
            ["execution.checkpointing.externalized-checkpoint-retention"] = "RETAIN_ON_CANCELLATION",
            ["state.backend.type"] = "rocksdb",
            ["execution.checkpointing.incremental"] = "true",
            ["state.backend.rocksdb.localdir"] = fixture.Directory.Combine($"rocksdb-{Guid.NewGuid():N}"),
        }, parallelism: 2);
        await Poll.UntilAsync(async () => (await cluster.Job(jobId).GetCheckpointStatsAsync()).Completed >= 6, "6 incremental checkpoints completed", TimeSpan.FromSeconds(90));
        var stats = await cluster.Job(jobId).GetCheckpointStatsAsync();
        Assert.Equal(JobStatus.Canceled, await cluster.Job(jobId).CancelAsync());

        var store = new FileSystemObjectStore(checkpoints);
        var retained = Directory.GetDirectories(Path.Combine(checkpoints, jobId.Value), "chk-*").Where(d => File.Exists(Path.Combine(d, "_metadata"))).ToList();
        Assert.NotEmpty(retained);
        var reused = false;
        foreach (var directory in retained)
        {
            var metadata = await SnapshotVerifier.OpenVerifiedAsync(store, $"{jobId}/{Path.GetFileName(directory)}/", directory, GrainFlowConfiguration.Empty);
            var counts = metadata.OperatorSnapshots("count").ToList();
            Assert.Equal(2, counts.Count);
            Assert.All(counts, c => Assert.True(c is { State: null, IncrementalState.SharedState.Count: > 0 }, $"the keyed state of checkpoint {metadata.CheckpointId} is not incremental"));
            Assert.All(counts.SelectMany(c => c.IncrementalState!.SharedState), f => Assert.StartsWith($"{jobId}/shared/", f.Path, StringComparison.Ordinal));
            // A file uploaded by an earlier checkpoint carries that checkpoint's id in its name.
            var subtasks = metadata.Vertices.Single(v => v.VertexUid == "count").Subtasks;
            if (subtasks.Any(s => s.StateSize < s.FullStateSize))
            {
                reused = true;
                Assert.Contains(counts, c => c.IncrementalState!.SharedState.Any(f => !f.Path.Contains($"-{c.IncrementalState.BackendIdentifier}-{metadata.CheckpointId}-", StringComparison.Ordinal)));
                if (stats.History.FirstOrDefault(h => h.Id == metadata.CheckpointId) is { } reported)
                {
                    Assert.True(reported.StateSize < metadata.Vertices.SelectMany(v => v.Subtasks).Sum(s => s.FullStateSize), "the statistics report the whole state instead of what was uploaded");
                }
            }
        }
        Assert.True(reused, "no retained checkpoint reused a shared file of an earlier one");
    }

    [Fact]
    public async Task ANativeSavepointOfAJobOnRocksDbIsRocksDbsFilesAllInTheSavepointsDirectorySoThatACopyElsewhereIsComplete()
    {
        var cluster = fixture.Cluster;
        var jobId = await cluster.SubmitAsync(CheckpointedCountJob.Name, new Dictionary<string, string>
        {
            ["records-per-second"] = "5000",
            ["state.backend.type"] = "rocksdb",
            ["state.backend.rocksdb.localdir"] = fixture.Directory.Combine($"rocksdb-{Guid.NewGuid():N}"),
        }, parallelism: 2);
        await cluster.WaitForRecordsAsync(jobId, "count", 2, 1_000);

        var trigger = await cluster.Job(jobId).TriggerSavepointAsync(new SavepointRequest(fixture.Directory.Combine($"native-{Guid.NewGuid():N}"), SavepointFormatType.Native));
        var operation = await cluster.WaitForSavepointAsync(jobId, trigger);
        Assert.True(operation.Succeeded, operation.FailureMessage);
        Assert.Equal(JobStatus.Canceled, await cluster.Job(jobId).CancelAsync());

        var copy = fixture.Directory.Combine($"moved-{Guid.NewGuid():N}");
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.GetFiles(operation.Location!)) File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        Directory.Delete(operation.Location!, recursive: true);
        var (_, metadata) = await SnapshotResolver.OpenVerifiedAsync(copy, GrainFlowConfiguration.Empty);
        Assert.Equal(SavepointFormatType.Native, metadata.SavepointFormat);
        var counts = metadata.OperatorSnapshots("count").ToList();
        Assert.Equal(2, counts.Count);
        Assert.All(counts, c => Assert.True(c is { State: null, IncrementalState: { SharedState.Count: 0 } handle } && handle.PrivateState.Any(f => f.LocalPath.EndsWith(".sst", StringComparison.Ordinal)),
            "the savepoint's keyed state is not RocksDB's own files, each in the savepoint's directory"));
    }
}
