using GrainFlow.Jobs;
using GrainFlow.Runtime.Execution;
using GrainFlow.Runtime.Tests.Fixtures;
using GrainFlow.Savepoints;

namespace GrainFlow.Runtime.Tests.EventTime;

/// <summary>Runs the event-time test jobs (<see cref="TestJobs.EventTimeNumbers"/>) on the shared cluster: their parameters, their metrics, a stop with a savepoint mid-way.</summary>
internal sealed class EventTimeJobRunner(SharedClusterFixture fixture)
{
    public const long Records = 4_000;
    public const long Keys = 8;

    /// <summary>Records per second per source subtask of a job stopped mid-way: slow enough that the stop comes long before the end, even on a busy machine.</summary>
    public const string SlowRate = "250";

    public string NewDirectory(string name) => fixture.Directory.Combine($"{name}-{Guid.NewGuid():N}");

    /// <summary>Tumbling windows over <see cref="Records"/> records at 1 000 per second per source subtask, written to <paramref name="output"/>; <paramref name="more"/> adds or overrides.</summary>
    public static Dictionary<string, string> Parameters(string output, params (string Key, string Value)[] more)
    {
        var parameters = new Dictionary<string, string>
        {
            ["window"] = "tumbling",
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

    /// <summary>The parameters that turn checkpoints on (every 100 ms, in a new directory).</summary>
    public (string, string)[] Checkpoints() => [("execution.checkpointing.interval", "100 ms"), ("execution.checkpointing.dir", NewDirectory("checkpoints"))];

    /// <summary>How many records the subtasks of <paramref name="vertexUid"/> took in together.</summary>
    public async Task<long> RecordsInAsync(JobId jobId, string vertexUid, int parallelism)
    {
        long total = 0;
        for (var i = 0; i < parallelism; i++)
        {
            total += (await fixture.Cluster.Client.GetGrain<ISubtaskGrain>(SubtaskKey.Of(jobId, vertexUid, i)).GetMetricsAsync()).RecordsIn;
        }
        return total;
    }

    /// <summary>Runs the job slowly with checkpoints until <paramref name="vertexUid"/> took in some records, stops it with a savepoint, and checks the stop came before the end of the input.</summary>
    public async Task<(string Location, JobId JobId)> StopMidwayAsync(string jobName, string vertexUid, string output, int parallelism,
        SavepointFormatType format, SavepointTermination then, params (string Key, string Value)[] more)
    {
        var jobId = await fixture.Cluster.SubmitAsync(jobName, Parameters(output, [.. Checkpoints(), ("records-per-second", SlowRate), .. more]), parallelism);
        await fixture.Cluster.WaitForRecordsAsync(jobId, vertexUid, parallelism, 600);
        var operation = await fixture.Cluster.WaitForSavepointAsync(jobId,
            await fixture.Cluster.Job(jobId).TriggerSavepointAsync(new SavepointRequest(NewDirectory("savepoints"), format, then)));
        Assert.True(operation.Succeeded, operation.FailureMessage);
        var details = await fixture.Cluster.WaitForEndAsync(jobId);
        Assert.True(details.Status == JobStatus.Finished, $"{details.Status}: {details.Failure?.Message}");
        Assert.True(await RecordsInAsync(jobId, vertexUid, parallelism) < Records, "the sources reached their end before the savepoint: it is not mid-way");
        return (operation.Location!, jobId);
    }
}
