using GrainFlow.Jobs;
using GrainFlow.Runtime.Tests.EventTime;
using GrainFlow.Runtime.Tests.Fixtures;
using GrainFlow.Runtime.Tests.TestJobs;
using GrainFlow.Savepoints;
using static GrainFlow.Runtime.Tests.EventTime.EventTimeJobRunner;
using static GrainFlow.Runtime.Tests.Windowing.WindowJobAnswers;

namespace GrainFlow.Runtime.Tests.Windowing;

/// <summary>
/// Event-time windows in running jobs on the shared cluster: watermarks from a generator with bounded
/// out-of-orderness through keyBy into tumbling, sliding and session windows at parallelism &gt; 1, and
/// the committed output against the failure-free answer — across an injected failure, a savepoint
/// handover at another parallelism, and stop with and without drain.
/// </summary>
[Collection(SharedClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class WindowJobTests(SharedClusterFixture fixture)
{
    private readonly EventTimeJobRunner _jobs = new(fixture);

    [Theory]
    [InlineData("tumbling")]
    [InlineData("sliding")]
    [InlineData("session")]
    public async Task WatermarksFromEverySourceSubtaskFireEveryWindowWithTheFailureFreeResult(string kind)
    {
        var output = _jobs.NewDirectory("output");
        await fixture.Cluster.RunToCompletionAsync(EventTimeWindowJob.Name, Parameters(output, ("window", kind), ("records-per-second", "0")), parallelism: 3);
        AssertSameLines(WindowLines(kind, Records, Keys), Committed(output), $"{kind} windows at parallelism 3");
    }

    [Theory]
    [InlineData("tumbling", "hashmap")]
    [InlineData("sliding", "hashmap")]
    [InlineData("session", "hashmap")]
    [InlineData("tumbling", "rocksdb")]
    [InlineData("session", "rocksdb")]
    public async Task AFailureMidWindowRestoresWindowsAndTimersFromTheCheckpointAndEveryWindowIsWrittenOnce(string kind, string backend)
    {
        var output = _jobs.NewDirectory("output");
        var plan = FailurePlan.Create([]);
        var jobId = await fixture.Cluster.SubmitAsync(EventTimeWindowJob.Name, Parameters(output, [.. _jobs.Checkpoints(),
            ("window", kind),
            ("state.backend.type", backend),
            ("state.backend.rocksdb.localdir", _jobs.NewDirectory("rocksdb")),
            ("failure-plan", plan),
            ("restart-strategy.type", "fixed-delay"),
            ("restart-strategy.fixed-delay.attempts", "3"),
            ("restart-strategy.fixed-delay.delay", "50 ms")]), parallelism: 2);
        await fixture.Cluster.WaitForCompletedCheckpointsAsync(jobId, 2);
        // Mid-window: 1.5 windows of event time after where the sources are now.
        FailurePlan.AddAtOrAfter(plan, await _jobs.RecordsInAsync(jobId, EventTimeWindowJob.WindowUid, 2) + 150);
        var details = await fixture.Cluster.WaitForEndAsync(jobId, TimeSpan.FromMinutes(2));
        Assert.True(details.Status == JobStatus.Finished, $"{details.Status}: {details.Failure?.Message}");
        Assert.Equal(0, FailurePlan.Remaining(plan));
        Assert.Equal(2, details.Attempt);
        Assert.StartsWith($"restored job {jobId} (attempt 2) from checkpoint", details.StateOrigin);
        AssertSameLines(WindowLines(kind, Records, Keys), Committed(output), $"{kind} windows on {backend} across a failure ({details.StateOrigin})");
    }

    [Theory]
    [InlineData("session", 2, 3, SavepointFormatType.Canonical)]
    [InlineData("session", 3, 1, SavepointFormatType.Native)]
    [InlineData("sliding", 2, 3, SavepointFormatType.Native)]
    [InlineData("tumbling", 3, 1, SavepointFormatType.Canonical)]
    public async Task StopWithASavepointMidWindowAndResumeAtAnotherParallelismWritesExactlyTheFailureFreeWindows(string kind, int from, int to, SavepointFormatType format)
    {
        var (firstOutput, secondOutput) = (_jobs.NewDirectory("output-1"), _jobs.NewDirectory("output-2"));
        var (location, _) = await _jobs.StopMidwayAsync(EventTimeWindowJob.Name, EventTimeWindowJob.WindowUid, firstOutput, from, format, SavepointTermination.Stop, ("window", kind));
        var second = await fixture.Cluster.RunToCompletionAsync(EventTimeWindowJob.Name,
            Parameters(secondOutput, [.. _jobs.Checkpoints(), ("window", kind), ("execution.state-recovery.path", location)]), to, TimeSpan.FromMinutes(2));
        Assert.Contains("from savepoint", (await fixture.Cluster.Job(second).GetDetailsAsync()).StateOrigin);
        AssertSameLines(WindowLines(kind, Records, Keys), Committed(firstOutput, secondOutput),
            $"{kind} windows written by the stopped job and the job resumed at parallelism {to}");
    }

    [Theory]
    [InlineData("tumbling", "hashmap", "rocksdb")]
    [InlineData("session", "rocksdb", "hashmap")]
    public async Task ACanonicalSavepointMovesOpenWindowsAndTimersBetweenTheHeapAndRocksDbWithTheFailureFreeResult(string kind, string from, string to)
    {
        var (firstOutput, secondOutput) = (_jobs.NewDirectory("output-1"), _jobs.NewDirectory("output-2"));
        var (location, _) = await _jobs.StopMidwayAsync(EventTimeWindowJob.Name, EventTimeWindowJob.WindowUid, firstOutput, 2, SavepointFormatType.Canonical,
            SavepointTermination.Stop, ("window", kind), ("state.backend.type", from), ("state.backend.rocksdb.localdir", _jobs.NewDirectory("rocksdb")));
        var second = await fixture.Cluster.RunToCompletionAsync(EventTimeWindowJob.Name, Parameters(secondOutput, [.. _jobs.Checkpoints(),
            ("window", kind), ("state.backend.type", to), ("state.backend.rocksdb.localdir", _jobs.NewDirectory("rocksdb")), ("execution.state-recovery.path", location)]),
            3, TimeSpan.FromMinutes(2));
        Assert.Contains("from savepoint", (await fixture.Cluster.Job(second).GetDetailsAsync()).StateOrigin);
        AssertSameLines(WindowLines(kind, Records, Keys), Committed(firstOutput, secondOutput),
            $"{kind} windows written on {from} and, after the canonical savepoint, on {to} at parallelism 3");
    }

    [Theory]
    [InlineData(SavepointTermination.StopAndDrain)]
    [InlineData(SavepointTermination.Stop)]
    public async Task StopWithDrainFiresEveryOpenWindowBeforeTheSavepointAndPlainStopFiresNone(SavepointTermination then)
    {
        var output = _jobs.NewDirectory("output");
        var (_, jobId) = await _jobs.StopMidwayAsync(EventTimeWindowJob.Name, EventTimeWindowJob.WindowUid, output, 2, SavepointFormatType.Canonical, then);
        var read = await _jobs.RecordsInAsync(jobId, EventTimeWindowJob.WindowUid, 2);
        // Every record the windows took in was in a window; with drain every window was written.
        var written = Committed(output).Sum(l => long.Parse(l.Split(',')[3]));
        if (then == SavepointTermination.StopAndDrain) Assert.Equal(read, written);
        else Assert.InRange(written, 0, read - 1);
    }
}
