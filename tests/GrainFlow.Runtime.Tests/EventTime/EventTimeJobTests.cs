using System.Globalization;
using GrainFlow.Jobs;
using GrainFlow.Runtime.Tests.Fixtures;
using GrainFlow.Runtime.Tests.TestJobs;
using GrainFlow.Savepoints;
using GrainFlow.Testing.Polling;
using GrainFlow.Topics;
using Orleans.Concurrency;
using static GrainFlow.Runtime.Tests.EventTime.EventTimeJobRunner;
using static GrainFlow.Runtime.Tests.Windowing.WindowJobAnswers;

namespace GrainFlow.Runtime.Tests.EventTime;

/// <summary>
/// Event time in running jobs on the shared cluster: event-time timers of a keyed process function
/// across a failure, a source subtask without splits and idleness, and bad input — a timestamp
/// assigner that throws, a savepoint restored into a window of another type.
/// </summary>
[Collection(SharedClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class EventTimeJobTests(SharedClusterFixture fixture)
{
    private readonly EventTimeJobRunner _jobs = new(fixture);

    [Fact]
    public async Task EventTimeTimersOfAKeyedProcessFunctionFireExactlyOnceAcrossAFailure()
    {
        var output = _jobs.NewDirectory("output");
        var plan = FailurePlan.Create([]);
        var jobId = await fixture.Cluster.SubmitAsync(EventTimeTimersJob.Name, Parameters(output, [.. _jobs.Checkpoints(),
            ("failure-plan", plan),
            ("restart-strategy.type", "fixed-delay"),
            ("restart-strategy.fixed-delay.attempts", "3"),
            ("restart-strategy.fixed-delay.delay", "50 ms")]), parallelism: 2);
        await fixture.Cluster.WaitForCompletedCheckpointsAsync(jobId, 2);
        await fixture.Cluster.WaitForRecordsAsync(jobId, EventTimeTimersJob.OperatorUid, 2, 500);
        FailurePlan.AddAtOrAfter(plan, 1_500);
        var details = await fixture.Cluster.WaitForEndAsync(jobId, TimeSpan.FromMinutes(2));
        Assert.True(details.Status == JobStatus.Finished, $"{details.Status}: {details.Failure?.Message}");
        Assert.Equal(2, details.Attempt);
        Assert.StartsWith($"restored job {jobId} (attempt 2) from checkpoint", details.StateOrigin);
        AssertSameLines(TimerFirings(Records, Keys), Committed(output), $"event-time timer firings across a failure ({details.StateOrigin})");
    }

    [Theory]
    [InlineData(2, 3, SavepointFormatType.Canonical)]
    [InlineData(3, 1, SavepointFormatType.Native)]
    public async Task PendingEventTimeTimersMoveWithTheirKeysToAnotherParallelismAndFireOnce(int from, int to, SavepointFormatType format)
    {
        var (firstOutput, secondOutput) = (_jobs.NewDirectory("output-1"), _jobs.NewDirectory("output-2"));
        var (location, _) = await _jobs.StopMidwayAsync(EventTimeTimersJob.Name, EventTimeTimersJob.OperatorUid, firstOutput, from, format, SavepointTermination.Stop);
        await fixture.Cluster.RunToCompletionAsync(EventTimeTimersJob.Name, Parameters(secondOutput, [.. _jobs.Checkpoints(), ("execution.state-recovery.path", location)]),
            to, TimeSpan.FromMinutes(2));
        AssertSameLines(TimerFirings(Records, Keys), Committed(firstOutput, secondOutput),
            $"timer firings of the stopped job and the job resumed at parallelism {to}");
    }

    [Fact]
    public async Task StopWithDrainFiresEveryPendingEventTimeTimerBeforeTheSavepoint()
    {
        var output = _jobs.NewDirectory("output");
        var (_, jobId) = await _jobs.StopMidwayAsync(EventTimeTimersJob.Name, EventTimeTimersJob.OperatorUid, output, 2, SavepointFormatType.Canonical, SavepointTermination.StopAndDrain);
        var held = await _jobs.RecordsInAsync(jobId, EventTimeTimersJob.OperatorUid, 2);
        Assert.Equal(held, Committed(output).Sum(l => long.Parse(l.Split(',')[2], CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task WatermarkAlignmentKeepsAFastSourceWithinTheDriftOfTheSlowestWhereWithoutItTheFastOneRunsAway()
    {
        const long drift = 500;
        async Task<long> RunAsync(long driftMs)
        {
            var runId = Guid.NewGuid().ToString("N");
            await fixture.Cluster.RunToCompletionAsync(AlignedSourcesJob.Name, new Dictionary<string, string>
            {
                ["run-id"] = runId,
                ["alignment-drift-ms"] = driftMs.ToString(CultureInfo.InvariantCulture),
                // Watermarks every 10 ms and polls of 20 records (200 ms of the fast source's event time): what a source
                // may overshoot between two looks at its group stays small next to the drift.
                ["pipeline.auto-watermark-interval"] = "10 ms",
                ["grainflow.network.batch-size"] = "20",
            }, parallelism: 2, timeout: TimeSpan.FromMinutes(2));
            return AlignedSourcesJob.Gaps[runId].MaxLeadInSecondHalf;
        }

        var unaligned = await RunAsync(0);
        var aligned = await RunAsync(drift);

        // Without alignment the fast source runs 10 ms of event time per record to the slow one's 1 ms: ~36 s ahead by the
        // end (measured). With it, the drift plus what a source emits between two reports (10 ms) and with a watermark
        // behind its records (10 ms): ~1.2-1.7 s measured; the bound leaves room for a loaded machine's late timers.
        Assert.True(unaligned > 20_000, $"without alignment the fast source led by only {unaligned} ms");
        Assert.True(aligned < 8_000, $"with alignment within {drift} ms the fast source still led by {aligned} ms (without: {unaligned} ms)");
    }

    [Fact]
    public async Task AnEmptyTopicPartitionHoldsTheWatermarkBackUntilWithIdlenessMarksItIdle()
    {
        // Every record under one key, so in one partition of two: the other partition never has a record.
        const long records = 2_000;
        var topic = $"numbers-{Guid.NewGuid():N}";
        var grain = fixture.Cluster.Client.GetGrain<ITopicGrain>(topic);
        await grain.CreateAsync(new TopicSettings(2, TopicSettings.Unlimited, TopicSettings.Unlimited, 1 << 20));
        var held = await RunOnTopicAsync(topic, idlenessMs: 0);
        var idle = await RunOnTopicAsync(topic, idlenessMs: 100);
        try
        {
            // Published in small steps, as a live producer would: the partition with records keeps
            // getting them more often than the idle timeout, so only the empty one goes idle (were both
            // idle, event time would stop, as in Flink).
            var partitions = new HashSet<int>();
            for (var n = 0; n < records; n += 20)
            {
                var batch = Enumerable.Range(n, 20).Select(i => TopicRecord.FromText(i.ToString(CultureInfo.InvariantCulture), "one key")).ToArray();
                partitions.UnionWith((await grain.PublishAsync(new Immutable<TopicRecord[]>(batch))).Select(p => p.Partition));
                await Task.Delay(10);
            }
            Assert.Single(partitions);

            // The first 1 000 records end before 11 s of event time and the next start at 15 s: once the
            // idle job's watermark passed them, their windows are final.
            var firstSegment = WindowLines("tumbling", records, Keys).Where(l => long.Parse(l.Split(',')[2], CultureInfo.InvariantCulture) <= 11_000).ToList();
            await Poll.UntilAsync(() => Task.FromResult(!firstSegment.Except(Committed(idle.Output)).Any()), "the idle partition's job fired the windows of the first 1 000 records");
            await fixture.Cluster.WaitForRecordsAsync(held.JobId, EventTimeWindowJob.WindowUid, 1, records);
            Assert.Equal(firstSegment, Committed(idle.Output).Where(firstSegment.Contains).ToList());
            // The job without idleness read every record too, but the empty partition holds its watermark at the start.
            Assert.Empty(Committed(held.Output));
        }
        finally
        {
            await fixture.Cluster.Job(held.JobId).CancelAsync();
            await fixture.Cluster.Job(idle.JobId).CancelAsync();
        }
    }

    [Fact]
    public async Task ATimestampAssignerThatThrowsFailsTheJobOnceNamingTheOperatorAndTheFix()
    {
        var jobId = await fixture.Cluster.SubmitAsync(EventTimeWindowJob.Name, Parameters(_jobs.NewDirectory("output"), [.. _jobs.Checkpoints(),
            ("bad-timestamp-at", "1000"),
            ("restart-strategy.type", "fixed-delay"),
            ("restart-strategy.fixed-delay.attempts", "1000"),
            ("restart-strategy.fixed-delay.delay", "10 ms")]), parallelism: 2);
        var details = await fixture.Cluster.WaitForEndAsync(jobId);
        Assert.Equal(JobStatus.Failed, details.Status);
        Assert.Equal(1, details.Attempt);
        Assert.True(details.Failure!.NonRecoverable, details.Failure.Message);
        Assert.Contains("The timestamp assigner of 'Numbers' failed on a record (FormatException: no timestamp in record 1000): make the assigner handle every record", details.Failure.Message);
    }

    [Theory]
    [InlineData("tumbling", "session", SavepointFormatType.Canonical)]
    [InlineData("tumbling", "session", SavepointFormatType.Native)]
    [InlineData("session", "tumbling", SavepointFormatType.Canonical)]
    [InlineData("tumbling", "global", SavepointFormatType.Canonical)]
    public async Task ASavepointRestoredIntoWindowsOfTheOtherKindIsRefusedNamingTheOperatorAndStaysUsable(string taken, string restored, SavepointFormatType format)
    {
        var firstOutput = _jobs.NewDirectory("output-1");
        var (location, _) = await _jobs.StopMidwayAsync(EventTimeWindowJob.Name, EventTimeWindowJob.WindowUid, firstOutput, 2, format, SavepointTermination.Stop, ("window", taken));

        var refused = await fixture.Cluster.SubmitAsync(EventTimeWindowJob.Name, Parameters(_jobs.NewDirectory("output-refused"),
            ("window", restored), ("execution.state-recovery.path", location),
            ("restart-strategy.type", "fixed-delay"), ("restart-strategy.fixed-delay.attempts", "1000"), ("restart-strategy.fixed-delay.delay", "10 ms")), 2);
        var details = await fixture.Cluster.WaitForEndAsync(refused);
        Assert.Equal(JobStatus.Failed, details.Status);
        Assert.Equal(1, details.Attempt);
        Assert.StartsWith("The window 'Window' (window) cannot restore its windows", details.Failure!.Message);
        Assert.Contains("give the changed window a new uid", details.Failure.Message, StringComparison.OrdinalIgnoreCase);

        // Nothing was corrupted: the same savepoint resumed into the windows it was taken with completes the output.
        var secondOutput = _jobs.NewDirectory("output-2");
        await fixture.Cluster.RunToCompletionAsync(EventTimeWindowJob.Name,
            Parameters(secondOutput, [.. _jobs.Checkpoints(), ("window", taken), ("execution.state-recovery.path", location)]), 3);
        AssertSameLines(WindowLines(taken, Records, Keys), Committed(firstOutput, secondOutput),
            $"{taken} windows resumed from the savepoint the {restored} job refused");
    }

    /// <summary>The tumbling-window job at parallelism 1 on the topic: one source subtask reads both partitions.</summary>
    private async Task<(JobId JobId, string Output)> RunOnTopicAsync(string topic, long idlenessMs)
    {
        var output = _jobs.NewDirectory("output");
        var jobId = await fixture.Cluster.SubmitAsync(EventTimeWindowJob.Name, Parameters(output,
            ("topic", topic), ("idleness-ms", idlenessMs.ToString(CultureInfo.InvariantCulture))), 1);
        return (jobId, output);
    }
}
