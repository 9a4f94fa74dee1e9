using System.Net;
using System.Text.Json.Nodes;
using GrainFlow.Jobs;
using GrainFlow.Silo.Examples;
using GrainFlow.Silo.Tests.Fixtures;
using GrainFlow.Testing.Polling;

namespace GrainFlow.Silo.Tests.Rest;

/// <summary>
/// The Prometheus scrape at <c>/metrics</c> and the vertex figures of the REST API, over HTTP: Flink's
/// metric names and REST shapes, filled from what the job really processed.
/// </summary>
[Collection(LoopbackRestCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class MetricsEndpointTests(LoopbackRestFixture fixture)
{
    private const int Records = 5000;

    private static readonly Dictionary<string, string> Bounded = new()
    {
        ["records"] = Records.ToString(System.Globalization.CultureInfo.InvariantCulture), ["sink"] = "discard",
        ["execution.checkpointing.interval"] = "100 ms",
    };

    [Fact]
    public async Task TheScrapeHasFlinkNamedSeriesOfTheJobCountingWhatItProcessed()
    {
        var jobId = await fixture.Rest.Cluster.RunToCompletionAsync(KeyedCountJob.Name, Bounded, parallelism: 2);

        var scrape = await ScrapeAsync();

        var job = ("job_id", jobId.Value);
        var received = PrometheusText.Values(scrape, "flink_taskmanager_job_task_numRecordsIn", job, ("task_id", "count"), ("job_name", "keyed-count"));
        Assert.Equal(2, received.Count); // one series per subtask, told apart by subtask_index
        Assert.Equal(Records, received.Sum());
        Assert.Equal(Records, PrometheusText.Values(scrape, "flink_taskmanager_job_task_numRecordsOut", job, ("task_id", "generator")).Sum());
        Assert.Single(PrometheusText.Values(scrape, "flink_taskmanager_job_task_numRecordsIn", job, ("task_id", "count"), ("subtask_index", "1")));
        Assert.All(PrometheusText.Values(scrape, "flink_taskmanager_job_task_busyTimeMsPerSecond", job), v => Assert.InRange(v, 0, 1000));
        Assert.Equal([0.0], PrometheusText.Values(scrape, "flink_jobmanager_job_numRestarts", job));
        Assert.Equal([-1.0], PrometheusText.Values(scrape, "flink_jobmanager_job_uptime", job)); // Flink's uptime of a job that ended
        // The final checkpoint at least (it lets the job finish), from the checkpoint coordinator.
        Assert.True(PrometheusText.Values(scrape, "flink_jobmanager_job_numberOfCompletedCheckpoints", job).Single() >= 1, scrape);
        Assert.True(PrometheusText.Values(scrape, "flink_jobmanager_job_lastCompletedCheckpointId", job).Single() >= 1, scrape);
        // Orleans' own meter goes out on the same scrape.
        Assert.Contains("orleans_", scrape, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JobDetailsCarryEachVertexsRecordCountsInFlinksMetricsShape()
    {
        var jobId = await fixture.Rest.Cluster.RunToCompletionAsync(KeyedCountJob.Name, Bounded, parallelism: 2);

        var job = (await fixture.Http.GetJsonAsync($"/jobs/{jobId}")).Object;

        var count = job["vertices"]!.AsArray().Single(v => v!["id"]!.GetValue<string>() == "count")!["metrics"]!;
        Assert.Equal(Records, count["read-records"]!.GetValue<long>());
        Assert.True(count["read-records-complete"]!.GetValue<bool>());
        Assert.Equal(0, count["read-bytes"]!.GetValue<long>());
        Assert.True(count["accumulated-busy-time"]!.GetValue<double>() >= 0);
        Assert.True(count["accumulated-idle-time"]!.GetValue<long>() >= 0);
        Assert.True(count["accumulated-backpressured-time"]!.GetValue<long>() >= 0);
        var generator = job["vertices"]!.AsArray().Single(v => v!["id"]!.GetValue<string>() == "generator")!["metrics"]!;
        Assert.Equal(Records, generator["write-records"]!.GetValue<long>());
    }

    [Fact]
    public async Task AFinishedJobsDetailsKeepItsFinalRecordCountsWithoutWakingItsSubtasks()
    {
        var jobId = await fixture.Rest.Cluster.RunToCompletionAsync(KeyedCountJob.Name, Bounded, parallelism: 2);
        // The subtasks of an ended job are idle: Orleans collects them in time. The job manager too: the next one reads the stored record.
        await fixture.Rest.Cluster.DeactivateSubtasksAsync(jobId);
        await fixture.Rest.Cluster.DeactivateAsync(fixture.Rest.Cluster.Job(jobId).GetGrainId());

        var job = (await fixture.Http.GetJsonAsync($"/jobs/{jobId}")).Object;

        var count = VertexMetrics(job, "count");
        Assert.Equal(Records, count["read-records"]!.GetValue<long>());
        Assert.True(count["read-records-complete"]!.GetValue<bool>());
        Assert.Equal(Records, VertexMetrics(job, "generator")["write-records"]!.GetValue<long>());
        var subtasks = (await fixture.Http.GetJsonAsync($"/jobs/{jobId}/vertices/count")).Object["subtasks"]!.AsArray();
        Assert.Equal(Records, subtasks.Sum(s => s!["metrics"]!["read-records"]!.GetValue<long>()));
        Assert.All(subtasks, s => Assert.Equal("FINISHED", s!["status"]!.GetValue<string>()));
        Assert.Empty(await fixture.Rest.Cluster.SubtaskActivationsAsync(jobId));
    }

    [Fact]
    public async Task ACanceledJobsDetailsKeepWhatItProcessedUntilCanceledWithoutWakingItsSubtasks()
    {
        var jobId = await fixture.Rest.Cluster.SubmitAsync(KeyedCountJob.Name,
            new Dictionary<string, string> { ["records"] = "100000000", ["records-per-second"] = "5000", ["sink"] = "discard" }, parallelism: 2);
        await fixture.Rest.Cluster.WaitForRecordsAsync(jobId, "count", 2, 1000);
        await fixture.Rest.Cluster.Job(jobId).CancelAsync();
        await fixture.Rest.Cluster.DeactivateSubtasksAsync(jobId);

        var job = (await fixture.Http.GetJsonAsync($"/jobs/{jobId}")).Object;

        Assert.Equal("CANCELED", job["state"]!.GetValue<string>());
        var read = VertexMetrics(job, "count")["read-records"]!.GetValue<long>();
        Assert.InRange(read, 1000, VertexMetrics(job, "generator")["write-records"]!.GetValue<long>());
        Assert.True(VertexMetrics(job, "count")["read-records-complete"]!.GetValue<bool>());
        Assert.Empty(await fixture.Rest.Cluster.SubtaskActivationsAsync(jobId));
    }

    [Fact]
    public async Task ASubtasksSeriesLeaveTheScrapeWhenItsGrainDeactivates()
    {
        var jobId = await fixture.Rest.Cluster.RunToCompletionAsync(KeyedCountJob.Name, Bounded, parallelism: 2);
        var job = ("job_id", jobId.Value);
        Assert.Equal(2, PrometheusText.Values(await ScrapeAsync(), "flink_taskmanager_job_task_numRecordsIn", job, ("task_id", "count")).Count);

        await fixture.Rest.Cluster.DeactivateSubtasksAsync(jobId);

        // Gone from the next scrape (the exporter may answer from a cache for a moment).
        string scrape = "";
        await Poll.UntilAsync(async () => !SubtaskSeries(scrape = await ScrapeAsync(), jobId).Any(), $"no flink_taskmanager_ series of job {jobId}",
            TimeSpan.FromSeconds(10), () => string.Join('\n', SubtaskSeries(scrape, jobId)));
        // The job's own series stay: they belong to its job manager and checkpoint coordinator.
        Assert.Single(PrometheusText.Values(scrape, "flink_jobmanager_job_numRestarts", job));
    }

    [Fact]
    public async Task AVertexShowsItsSubtasksWithStatusHostAndMetrics()
    {
        var jobId = await fixture.Rest.Cluster.RunToCompletionAsync(KeyedCountJob.Name, Bounded, parallelism: 2);

        var reply = await fixture.Http.GetJsonAsync($"/jobs/{jobId}/vertices/count");

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var vertex = reply.Object;
        Assert.Equal("count", vertex["id"]!.GetValue<string>());
        Assert.Equal(2, vertex["parallelism"]!.GetValue<int>());
        Assert.Equal(128, vertex["maxParallelism"]!.GetValue<int>());
        var subtasks = vertex["subtasks"]!.AsArray();
        Assert.Equal([0, 1], subtasks.Select(s => s!["subtask"]!.GetValue<int>()));
        Assert.All(subtasks, s =>
        {
            Assert.Equal("FINISHED", s!["status"]!.GetValue<string>());
            Assert.False(string.IsNullOrEmpty(s["host"]!.GetValue<string>()));
        });
        Assert.Equal(Records, subtasks.Sum(s => s!["metrics"]!["read-records"]!.GetValue<long>()));
    }

    [Fact]
    public async Task BackPressureOfARunningVertexHasFlinksLevelsAndRatios()
    {
        var jobId = await fixture.Rest.Cluster.SubmitAsync(KeyedCountJob.Name,
            new Dictionary<string, string> { ["records"] = "100000000", ["records-per-second"] = "5000", ["sink"] = "discard" }, parallelism: 2);
        try
        {
            await fixture.Rest.Cluster.WaitForRecordsAsync(jobId, "count", 2, 1000);
            var reply = await fixture.Http.GetJsonAsync($"/v1/jobs/{jobId}/vertices/generator/backpressure");

            Assert.Equal(HttpStatusCode.OK, reply.Status);
            var info = reply.Object;
            Assert.Equal("ok", info["status"]!.GetValue<string>());
            Assert.Contains(info["backpressure-level"]!.GetValue<string>(), new[] { "ok", "low", "high" });
            Assert.True(info["end-timestamp"]!.GetValue<long>() > 0);
            var subtasks = info["subtasks"]!.AsArray();
            Assert.Equal(2, subtasks.Count);
            Assert.All(subtasks, s =>
            {
                Assert.Contains(s!["backpressure-level"]!.GetValue<string>(), new[] { "ok", "low", "high" });
                foreach (var ratio in new[] { "ratio", "idleRatio", "busyRatio" }) Assert.InRange(s[ratio]!.GetValue<double>(), 0, 1);
            });
        }
        finally
        {
            await fixture.Rest.Cluster.Job(jobId).CancelAsync();
        }
    }

    [Fact]
    public async Task AnUnknownVertexOrJobIsAFlinkStyle404NamingIt()
    {
        var jobId = await fixture.Rest.Cluster.RunToCompletionAsync(KeyedCountJob.Name, new Dictionary<string, string> { ["records"] = "10", ["sink"] = "discard" });

        var vertex = await fixture.Http.GetJsonAsync($"/jobs/{jobId}/vertices/no-such-vertex/backpressure");
        Assert.Equal(HttpStatusCode.NotFound, vertex.Status);
        Assert.Equal($"Job {jobId} has no vertex with id no-such-vertex. Its vertices are: generator, count.", vertex.Error);

        var job = await fixture.Http.GetJsonAsync($"/jobs/{JobId.New()}/vertices/count");
        Assert.Equal(HttpStatusCode.NotFound, job.Status);
        Assert.Contains("not found", job.Error, StringComparison.Ordinal);
    }

    private static IEnumerable<string> SubtaskSeries(string scrape, JobId jobId) =>
        scrape.Split('\n').Where(line => line.StartsWith("flink_taskmanager_", StringComparison.Ordinal) && line.Contains($"job_id=\"{jobId}\"", StringComparison.Ordinal));

    private static JsonNode VertexMetrics(JsonObject job, string vertexId) =>
        job["vertices"]!.AsArray().Single(v => v!["id"]!.GetValue<string>() == vertexId)!["metrics"]!;

    private async Task<string> ScrapeAsync()
    {
        using var response = await fixture.Http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        return await response.Content.ReadAsStringAsync();
    }
}
