using GrainFlow.Jobs;
using GrainFlow.KeyGroups;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Runtime.Tests.Fixtures;
using GrainFlow.Runtime.Tests.TestJobs;
using GrainFlow.Testing.Polling;

namespace GrainFlow.Runtime.Tests.Checkpointing.Incremental;

/// <summary>
/// Through a running job: what GrainFlow wrote to a job's <c>shared/</c> (named as it names incremental state) and
/// no retained checkpoint references is deleted when the job ends, whatever the retention policy; a file someone
/// else put there stays, and with it the folder.
/// </summary>
[Collection(SharedClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class SharedDirectoryCleanupTests(SharedClusterFixture fixture)
{
    private const string ForeignFile = "notes-of-the-user.txt";

    [Theory]
    [InlineData("NO_EXTERNALIZED_CHECKPOINTS")]
    [InlineData("RETAIN_ON_CANCELLATION")]
    public async Task OrphanedSharedFilesGoWhenTheJobIsCanceledAndAForeignFileStays(string retention)
    {
        var directory = fixture.Directory.Combine($"checkpoints-{Guid.NewGuid():N}");
        var jobId = await fixture.Cluster.SubmitAsync(CheckpointedCountJob.Name, new Dictionary<string, string>
        {
            ["execution.checkpointing.interval"] = "100 ms",
            ["execution.checkpointing.dir"] = directory,
            ["execution.checkpointing.externalized-checkpoint-retention"] = retention,
        }, parallelism: 2);
        await Poll.UntilAsync(async () => (await fixture.Cluster.Job(jobId).GetCheckpointStatsAsync()).Completed >= 1, "a checkpoint completed", TimeSpan.FromSeconds(60));
        // What an upload for a checkpoint that never completed leaves (a crash between upload and completion).
        var shared = Path.Combine(directory, jobId.Value, "shared");
        Directory.CreateDirectory(shared);
        var orphan = Path.Combine(shared, CheckpointLayout.IncrementalFileName("count", new KeyGroupRange(0, 63), Guid.NewGuid(), 1, "000009.sst"));
        await File.WriteAllTextAsync(orphan, "uploaded, never referenced");
        await File.WriteAllTextAsync(Path.Combine(shared, ForeignFile), "not GrainFlow's");

        Assert.Equal(JobStatus.Canceled, await fixture.Cluster.Job(jobId).CancelAsync());

        Assert.Equal([ForeignFile], Directory.GetFiles(shared).Select(Path.GetFileName));
        var kept = Directory.GetDirectories(Path.Combine(directory, jobId.Value), "chk-*");
        Assert.Equal(retention == "RETAIN_ON_CANCELLATION" ? 1 : 0, kept.Length);
    }
}
