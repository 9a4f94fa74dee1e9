using GrainFlow.Configuration;
using GrainFlow.Errors;
using GrainFlow.Jobs;
using GrainFlow.Runtime.Api.State;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Runtime.Execution;
using GrainFlow.Runtime.State;
using GrainFlow.Runtime.Tests.EventTime;
using GrainFlow.Runtime.Tests.Fixtures;
using GrainFlow.Runtime.Tests.State;
using GrainFlow.Runtime.Tests.State.RocksDb;
using GrainFlow.Runtime.Tests.TestJobs;
using GrainFlow.Savepoints;
using static GrainFlow.Runtime.Tests.EventTime.EventTimeJobRunner;
using static GrainFlow.Runtime.Tests.Windowing.WindowJobAnswers;

namespace GrainFlow.Runtime.Tests.Checkpointing.Incremental;

/// <summary>
/// Jobs started (<c>-s</c>, <c>execution.state-recovery.path</c>) from RocksDB's own snapshots: a window job on RocksDB with
/// incremental checkpoints, stopped mid-window with a native savepoint or cancelled after incremental checkpoints, resumes
/// from the savepoint or its retained checkpoint at another parallelism with exactly the failure-free windows; a job on
/// the heap backend is refused at submission, saying to take a canonical savepoint.
/// </summary>
[Collection(SharedClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class IncrementalRestoreJobTests(SharedClusterFixture fixture)
{
    private readonly EventTimeJobRunner _jobs = new(fixture);

    /// <remarks>
    /// Needs the snapshot side of incremental RocksDB state (the subtask writing <c>incrementalState</c> for native savepoints
    /// and incremental checkpoints): until it is there, the savepoint holds the canonical format and the first assertion fails.
    /// </remarks>
    [Theory]
    [InlineData("session", 2, 5)]
    [InlineData("tumbling", 4, 1)]
    public async Task AWindowJobOnIncrementalRocksDbStoppedWithANativeSavepointResumesAtAnotherParallelismWithTheFailureFreeWindows(string kind, int from, int to)
    {
        (string, string)[] rocksDb = [("state.backend.type", "rocksdb"), ("execution.checkpointing.incremental", "true")];
        var (firstOutput, secondOutput) = (_jobs.NewDirectory("output-1"), _jobs.NewDirectory("output-2"));
        var (location, _) = await _jobs.StopMidwayAsync(EventTimeWindowJob.Name, EventTimeWindowJob.WindowUid, firstOutput, from, SavepointFormatType.Native,
            SavepointTermination.Stop, [("window", kind), .. rocksDb, ("state.backend.rocksdb.localdir", _jobs.NewDirectory("rocksdb"))]);
        var savepoint = (await SnapshotInspector.OpenAsync(location, GrainFlowConfiguration.Empty)).Metadata;
        Assert.All(savepoint.OperatorSnapshots(EventTimeWindowJob.WindowUid), s => Assert.NotNull(s.IncrementalState));

        var second = await fixture.Cluster.RunToCompletionAsync(EventTimeWindowJob.Name, Parameters(secondOutput, [.. _jobs.Checkpoints(),
            ("window", kind), .. rocksDb, ("state.backend.rocksdb.localdir", _jobs.NewDirectory("rocksdb")), ("execution.state-recovery.path", location)]),
            to, TimeSpan.FromMinutes(2));

        Assert.Contains("from savepoint", (await fixture.Cluster.Job(second).GetDetailsAsync()).StateOrigin);
        AssertSameLines(WindowLines(kind, Records, Keys), Committed(firstOutput, secondOutput),
            $"{kind} windows of the job on incremental RocksDB and, after its native savepoint, at parallelism {to}");
    }

    /// <remarks>Needs the snapshot side of incremental RocksDB state, as the test above.</remarks>
    [Theory]
    [InlineData("session", 2, 5)]
    [InlineData("tumbling", 4, 1)]
    public async Task AWindowJobOnIncrementalRocksDbResumesFromItsRetainedIncrementalCheckpointAtAnotherParallelismWithTheFailureFreeWindows(string kind, int from, int to)
    {
        var checkpoints = _jobs.NewDirectory("checkpoints");
        var (firstOutput, secondOutput) = (_jobs.NewDirectory("output-1"), _jobs.NewDirectory("output-2"));
        var first = await fixture.Cluster.SubmitAsync(EventTimeWindowJob.Name, Parameters(firstOutput, ("window", kind), ("records-per-second", SlowRate),
            ("state.backend.type", "rocksdb"), ("execution.checkpointing.incremental", "true"), ("state.backend.rocksdb.localdir", _jobs.NewDirectory("rocksdb")),
            ("execution.checkpointing.interval", "100 ms"), ("execution.checkpointing.dir", checkpoints),
            ("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION")), from);
        await fixture.Cluster.WaitForRecordsAsync(first, EventTimeWindowJob.WindowUid, from, 600);
        await fixture.Cluster.WaitForCompletedCheckpointsAsync(first, 2);
        Assert.Equal(JobStatus.Canceled, await fixture.Cluster.Job(first).CancelAsync());
        var latest = Directory.GetDirectories(Path.Combine(checkpoints, first.Value), "chk-*").MaxBy(d => long.Parse(Path.GetFileName(d)["chk-".Length..]))!;
        var checkpoint = (await SnapshotInspector.OpenAsync(latest, GrainFlowConfiguration.Empty)).Metadata;
        Assert.All(checkpoint.OperatorSnapshots(EventTimeWindowJob.WindowUid), s => Assert.NotNull(s.IncrementalState));

        var second = await fixture.Cluster.RunToCompletionAsync(EventTimeWindowJob.Name, Parameters(secondOutput, [.. _jobs.Checkpoints(), ("window", kind),
            ("state.backend.type", "rocksdb"), ("execution.checkpointing.incremental", "true"), ("state.backend.rocksdb.localdir", _jobs.NewDirectory("rocksdb")),
            ("execution.state-recovery.path", latest)]), to, TimeSpan.FromMinutes(2));

        Assert.Contains("from checkpoint", (await fixture.Cluster.Job(second).GetDetailsAsync()).StateOrigin);
        AssertSameLines(WindowLines(kind, Records, Keys), Committed(firstOutput, secondOutput),
            $"{kind} windows of the cancelled job on incremental RocksDB and of the job resumed from its checkpoint at parallelism {to}");
    }

    [Fact]
    public async Task AJobOnTheHeapBackendFromAnIncrementalRocksDbCheckpointIsRefusedAtSubmissionSayingToTakeACanonicalSavepoint()
    {
        using var checkpoints = new RocksDbIncrementalCheckpoints();
        using (var backend = StateBackendsUnderTest.Create<long>(StateBackendsUnderTest.RocksDb, 0, 1, KeyedStateCheckpoints.MaxParallelism))
        {
            backend.SetCurrentKey(7);
            backend.GetValueState(new ValueStateDescriptor<long>("count")).Update(3);
            await checkpoints.CompleteAsync(1, [await checkpoints.SnapshotAsync(backend, 1)]);
        }
        var path = checkpoints.FileOf(checkpoints.DirectoryKey(1)).TrimEnd('/');
        var registry = fixture.Cluster.Client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.DefaultKey);
        var jobsBefore = (await registry.ListJobsAsync()).Count;

        var refused = await Assert.ThrowsAsync<SavepointException>(() => fixture.Cluster.SubmitAsync(EventTimeWindowJob.Name,
            Parameters(_jobs.NewDirectory("output"), ("state.backend.type", "hashmap"), ("execution.state-recovery.path", path)), 2));

        Assert.Equal($"Cannot restore from '{path}': The state of operator '{RocksDbIncrementalCheckpoints.Uid}' in '{path}' is an incremental snapshot of the RocksDB state backend, "
            + "which restores only into state.backend.type=rocksdb; to move the job to another backend, take a canonical savepoint.", refused.Message);
        Assert.Equal(jobsBefore, (await registry.ListJobsAsync()).Count);
    }
}
