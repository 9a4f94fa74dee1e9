using GrainFlow.Jobs;
using GrainFlow.Runtime.Tests.Fixtures;
using GrainFlow.Runtime.Tests.TestJobs;
using GrainFlow.Savepoints;
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
    private const long Records = 4_000;
    private const long Keys = 8;

    /// <summary>Records per second per source subtask of a job stopped mid-way: slow enough that the stop comes long before the end, even on a busy machine.</summary>
    internal const string SlowRate = "250";

    [Theory]
    [InlineData("tumbling")]
    [InlineData("sliding")]
    [InlineData("session")]
    public async Task WatermarksFromEverySourceSubtaskFireEveryWindowWithTheFailureFreeResult(string kind)
    {
        var output = NewDirectory("output");
        await fixture.Cluster.RunToCompletionAsync(EventTimeWindowJob.Name, Parameters(kind, output, ("records-per-second", "0")), parallelism: 3);
        AssertSameLines(WindowLines(kind, Records, Keys), Committed(output), $"{kind} windows at parallelism 3");
    }

    [Theory]
    [InlineData("tumbling")]
    [InlineData("session")]
    public async Task AFailureMidWindowRestoresWindowsAndTimersFromTheCheckpointAndEveryWindowIsWrittenOnce(string kind)
    {
        var output = NewDirectory("output");
        var plan = FailurePlan.Create([]);
        var jobId = await fixture.Cluster.SubmitAsync(EventTimeWindowJob.Name, Parameters(kind, output,
            ("execution.checkpointing.interval", "100 ms"),
            ("execution.checkpointing.dir", NewDirectory("checkpoints")),
            ("failure-plan", plan),
            ("restart-strategy.type", "fixed-delay"),
            ("restart-strategy.fixed-delay.attempts", "3"),
            ("restart-strategy.fixed-delay.delay", "50 ms")), parallelism: 2);
        await fixture.Cluster.WaitForCompletedCheckpointsAsync(jobId, 2);
        // Mid-window: 1.5 windows of event time after where the sources are now.
        FailurePlan.AddAtOrAfter(plan, (await WindowRecordsInAsync(jobId, 2)) + 150);
        var details = await fixture.Cluster.WaitForEndAsync(jobId, TimeSpan.FromMinutes(2));
        Assert.True(details.Status == JobStatus.Finished, $"{details.Status}: {details.Failure?.Message}");
        Assert.Equal(0, FailurePlan.Remaining(plan));
        Assert.Equal(2, details.Attempt);
        Assert.StartsWith($"restored job {jobId} (attempt 2) from checkpoint", details.StateOrigin);
        AssertSameLines(WindowLines(kind, Records, Keys), Committed(output), $"{kind} windows across a failure ({details.StateOrigin})");
    }

    [Theory]
    [InlineData("session", 2, 3, SavepointFormatType.Canonical)]
    [InlineData("session", 3, 1, SavepointFormatType.Native)]
    [InlineData("sliding", 2, 3, SavepointFormatType.Native)]
    [InlineData("tumbling", 3, 1, SavepointFormatType.Canonical)]
    public async Task StopWithASavepointMidWindowAndResumeAtAnotherParallelismWritesExactlyTheFailureFreeWindows(string kind, int from, int to, SavepointFormatType format)
    {
        var (firstOutput, secondOutput) = (NewDirectory("output-1"), NewDirectory("output-2"));
        var (location, _) = await StopMidWindowAsync(kind, firstOutput, from, format, SavepointTermination.Stop);
        var second = await fixture.Cluster.RunToCompletionAsync(EventTimeWindowJob.Name,
            Parameters(kind, secondOutput, ("execution.state-recovery.path", location), ("execution.checkpointing.interval", "100 ms"),
                ("execution.checkpointing.dir", NewDirectory("checkpoints"))), to, TimeSpan.FromMinutes(2));
        var resumed = await fixture.Cluster.Job(second).GetDetailsAsync();
        Assert.Contains("from savepoint", resumed.StateOrigin);
        AssertSameLines(WindowLines(kind, Records, Keys), Sorted(Committed(firstOutput).Concat(Committed(secondOutput))),
            $"{kind} windows written by the stopped job and the job resumed at parallelism {to}");
    }

    [Theory]
    [InlineData(SavepointTermination.StopAndDrain)]
    [InlineData(SavepointTermination.Stop)]
    public async Task StopWithDrainFiresEveryOpenWindowBeforeTheSavepointAndPlainStopFiresNone(SavepointTermination then)
    {
        var output = NewDirectory("output");
        var (_, jobId) = await StopMidWindowAsync("tumbling", output, 2, SavepointFormatType.Canonical, then);
        var read = await WindowRecordsInAsync(jobId, 2);
        // Every record the windows took in was in a window; with drain every window was written.
        var written = Committed(output).Sum(l => long.Parse(l.Split(',')[3]));
        if (then == SavepointTermination.StopAndDrain) Assert.Equal(read, written);
        else Assert.InRange(written, 0, read - 1);
    }

    /// <summary>Runs the job with checkpoints until its windows have taken in some records, then stops it with a savepoint.</summary>
    private async Task<(string Location, JobId JobId)> StopMidWindowAsync(string kind, string output, int parallelism, SavepointFormatType format, SavepointTermination then)
    {
        var jobId = await fixture.Cluster.SubmitAsync(EventTimeWindowJob.Name, Parameters(kind, output,
            ("execution.checkpointing.interval", "100 ms"), ("execution.checkpointing.dir", NewDirectory("checkpoints")), ("records-per-second", SlowRate)), parallelism);
        await fixture.Cluster.WaitForRecordsAsync(jobId, EventTimeWindowJob.WindowUid, parallelism, 600);
        var operation = await fixture.Cluster.WaitForSavepointAsync(jobId,
            await fixture.Cluster.Job(jobId).TriggerSavepointAsync(new SavepointRequest(NewDirectory("savepoints"), format, then)));
        Assert.True(operation.Succeeded, operation.FailureMessage);
        var details = await fixture.Cluster.WaitForEndAsync(jobId);
        Assert.True(details.Status == JobStatus.Finished, $"{details.Status}: {details.Failure?.Message}");
        Assert.True(await WindowRecordsInAsync(jobId, parallelism) < Records, "the sources reached their end before the savepoint: it is not mid-window");
        return (operation.Location!, jobId);
    }

    private async Task<long> WindowRecordsInAsync(JobId jobId, int parallelism)
    {
        long total = 0;
        for (var i = 0; i < parallelism; i++)
        {
            total += (await fixture.Cluster.Client.GetGrain<Runtime.Execution.ISubtaskGrain>(Runtime.Execution.SubtaskKey.Of(jobId, EventTimeWindowJob.WindowUid, i)).GetMetricsAsync()).RecordsIn;
        }
        return total;
    }

    private static Dictionary<string, string> Parameters(string kind, string output, params (string Key, string Value)[] more)
    {
        var parameters = new Dictionary<string, string>
        {
            ["window"] = kind,
            ["records"] = Records.ToString(),
            ["keys"] = Keys.ToString(),
            ["records-per-second"] = "1000",
            ["output"] = output,
            ["pipeline.auto-watermark-interval"] = "20 ms",
            ["execution.buffer-timeout.interval"] = "5 ms",
        };
        foreach (var (key, value) in more) parameters[key] = value;
        return parameters;
    }

    private static List<string> Sorted(IEnumerable<string> lines) => lines.Order(StringComparer.Ordinal).ToList();

    private string NewDirectory(string name) => fixture.Directory.Combine($"{name}-{Guid.NewGuid():N}");
}
