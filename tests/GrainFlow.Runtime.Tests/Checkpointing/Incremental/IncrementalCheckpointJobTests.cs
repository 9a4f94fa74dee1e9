using GrainFlow.Jobs;
using GrainFlow.Runtime.Tests.Fixtures;
using GrainFlow.Storage.FileSystem;

namespace GrainFlow.Runtime.Tests.Checkpointing.Incremental;

/// <summary>
/// Incremental checkpoints of the RocksDB backend in running jobs on the filesystem: failures restore exactly,
/// the shared files follow the retained checkpoints through subsumption and the end of the job, and a retained
/// checkpoint resumes a new job.
/// </summary>
[Collection(SharedClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class IncrementalCheckpointJobTests(SharedClusterFixture fixture)
{
    private IncrementalJobScenario NewScenario()
    {
        var directory = fixture.Directory.Combine($"incremental-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        return new IncrementalJobScenario(fixture.Cluster, directory, new FileSystemObjectStore(directory), fixture.Directory.Combine($"rocksdb-{Guid.NewGuid():N}"));
    }

    [Fact]
    public async Task ACanceledJobKeepsExactlyTheSharedFilesItsRetainedCheckpointsReferenceAndResumesFromThemWithExactCounts() =>
        await NewScenario().RetainResumeAndCheckAsync();

    [Theory]
    [InlineData("DELETE_ON_CANCELLATION", "cancel")]
    [InlineData("NO_EXTERNALIZED_CHECKPOINTS", "cancel")]
    [InlineData("RETAIN_ON_CANCELLATION", "finish")]
    public async Task AJobThatKeepsNoCheckpointLeavesNoSharedFileBehind(string retention, string ending)
    {
        var scenario = NewScenario();
        var (jobId, details) = await scenario.RunFailAndEndAsync(retention,
            ending == "cancel" ? job => job.CancelAsync() : _ => Task.CompletedTask,
            records: ending == "cancel" ? long.MaxValue : 40_000);

        Assert.Equal(ending == "cancel" ? JobStatus.Canceled : JobStatus.Finished, details.Status);
        var left = await scenario.StoredKeysAsync(jobId);
        Assert.True(left.Count == 0, $"{retention}/{ending}: left {string.Join(", ", left)}");
    }
}
