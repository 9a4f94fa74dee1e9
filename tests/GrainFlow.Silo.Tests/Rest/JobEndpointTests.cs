using System.Net;
using GrainFlow.Jobs;
using GrainFlow.Silo.Examples;
using GrainFlow.Silo.Tests.Fixtures;

namespace GrainFlow.Silo.Tests.Rest;

/// <summary>GET /jobs, /jobs/overview, /jobs/:jobid and PATCH /jobs/:jobid?mode=cancel over HTTP, in Flink's shapes.</summary>
[Collection(LoopbackRestCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class JobEndpointTests(LoopbackRestFixture fixture)
{
    private static readonly Dictionary<string, string> Unbounded = new()
    {
        ["records"] = "100000000", ["records-per-second"] = "1000", ["sink"] = "discard",
    };

    [Fact]
    public async Task JobsListsIdsWithFlinkStatusNamesAndTheOverviewCountsTasks()
    {
        var jobId = await fixture.Rest.Cluster.SubmitAsync(KeyedCountJob.Name, Unbounded, parallelism: 2);
        try
        {
            var jobs = await fixture.Http.GetJsonAsync("/jobs");
            Assert.Equal(HttpStatusCode.OK, jobs.Status);
            var entry = jobs.Object["jobs"]!.AsArray().Single(j => j!["id"]!.GetValue<string>() == jobId.Value)!;
            Assert.Equal("RUNNING", entry["status"]!.GetValue<string>());

            var overview = await fixture.Http.GetJsonAsync("/v1/jobs/overview");
            var row = overview.Object["jobs"]!.AsArray().Single(j => j!["jid"]!.GetValue<string>() == jobId.Value)!;
            Assert.Equal("keyed-count", row["name"]!.GetValue<string>());
            Assert.Equal("RUNNING", row["state"]!.GetValue<string>());
            Assert.Equal(-1, row["end-time"]!.GetValue<long>());
            // generator and count -> sink, 2 subtasks each.
            var tasks = row["tasks"]!;
            Assert.Equal(tasks["total"]!.GetValue<int>(), tasks["running"]!.GetValue<int>() + tasks["finished"]!.GetValue<int>());
            Assert.Equal(4, tasks["total"]!.GetValue<int>());
        }
        finally
        {
            await fixture.Rest.Cluster.Job(jobId).CancelAsync();
        }
    }

    [Fact]
    public async Task JobDetailsHaveFlinksFieldsVerticesAndTimestamps()
    {
        var jobId = await fixture.Rest.Cluster.RunToCompletionAsync(KeyedCountJob.Name, new Dictionary<string, string> { ["records"] = "100", ["sink"] = "discard" }, parallelism: 2);

        var reply = await fixture.Http.GetJsonAsync($"/jobs/{jobId}");

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var job = reply.Object;
        Assert.Equal(jobId.Value, job["jid"]!.GetValue<string>());
        Assert.Equal("FINISHED", job["state"]!.GetValue<string>());
        Assert.Equal("STREAMING", job["job-type"]!.GetValue<string>());
        Assert.False(job["isStoppable"]!.GetValue<bool>());
        Assert.True(job["end-time"]!.GetValue<long>() >= job["start-time"]!.GetValue<long>());
        Assert.Equal(job["end-time"]!.GetValue<long>() - job["start-time"]!.GetValue<long>(), job["duration"]!.GetValue<long>());
        Assert.Equal(128, job["maxParallelism"]!.GetValue<int>());
        Assert.True(job["timestamps"]!["FINISHED"]!.GetValue<long>() > 0);
        Assert.Equal(0, job["timestamps"]!["FAILED"]!.GetValue<long>());
        var vertices = job["vertices"]!.AsArray();
        Assert.Contains(vertices, v => v!["id"]!.GetValue<string>() == "count" && v["parallelism"]!.GetValue<int>() == 2 && v["status"]!.GetValue<string>() == "FINISHED");
        Assert.Equal(vertices.Count, job["status-counts"]!["FINISHED"]!.GetValue<int>());
        Assert.Equal(vertices.Count, job["plan"]!["nodes"]!.AsArray().Count);
    }

    [Fact]
    public async Task ThePlanNodesCarryTheirInputsAsFlinksEdgesAndSourcesHaveNone()
    {
        var jobId = await fixture.Rest.Cluster.RunToCompletionAsync(KeyedCountJob.Name, new Dictionary<string, string> { ["records"] = "10", ["sink"] = "discard" });

        var nodes = (await fixture.Http.GetJsonAsync($"/jobs/{jobId}")).Object["plan"]!["nodes"]!.AsArray();

        // generator -> (keyBy) -> count -> sink: one hashed edge from the source vertex into the counting vertex.
        var source = nodes.Single(n => n!["inputs"] is null)!;
        var counting = nodes.Single(n => n!["inputs"] is not null)!;
        var input = Assert.Single(counting["inputs"]!.AsArray())!;
        Assert.Equal(0, input["num"]!.GetValue<int>());
        Assert.Equal(source["id"]!.GetValue<string>(), input["id"]!.GetValue<string>());
        Assert.Equal("HASH", input["ship_strategy"]!.GetValue<string>());
        Assert.Equal("pipelined_bounded", input["exchange"]!.GetValue<string>());
    }

    [Fact]
    public async Task PatchWithModeCancelCancelsTheJobAnd202sAndTwiceIsStillAccepted()
    {
        var jobId = await fixture.Rest.Cluster.SubmitAsync(KeyedCountJob.Name, Unbounded);

        var cancel = await fixture.Http.SendJsonAsync(HttpMethod.Patch, $"/jobs/{jobId}?mode=cancel", null);

        Assert.Equal(HttpStatusCode.Accepted, cancel.Status);
        Assert.Equal("{}", cancel.Text);
        Assert.Equal(JobStatus.Canceled, (await fixture.Rest.Cluster.Job(jobId).GetDetailsAsync()).Status);
        Assert.Equal(HttpStatusCode.Accepted, (await fixture.Http.SendJsonAsync(HttpMethod.Patch, $"/jobs/{jobId}", null)).Status);
    }

    [Fact]
    public async Task CancellingAFinishedJobIsAConflictAndAStopModeIsABadRequest()
    {
        var jobId = await fixture.Rest.Cluster.RunToCompletionAsync(KeyedCountJob.Name, new Dictionary<string, string> { ["records"] = "10", ["sink"] = "discard" });

        var finished = await fixture.Http.SendJsonAsync(HttpMethod.Patch, $"/jobs/{jobId}?mode=cancel", null);
        Assert.Equal(HttpStatusCode.Conflict, finished.Status);
        Assert.Contains("already reached another terminal state (FINISHED)", finished.Error);

        var stop = await fixture.Http.SendJsonAsync(HttpMethod.Patch, $"/jobs/{jobId}?mode=stop", null);
        Assert.Equal(HttpStatusCode.BadRequest, stop.Status);
        Assert.Contains("POST /jobs/:jobid/stop", stop.Error);
        Assert.Equal(JobStatus.Finished, (await fixture.Rest.Cluster.Job(jobId).GetDetailsAsync()).Status);
    }

    [Fact]
    public async Task UnknownJobsAndPathsAre404sAndAMalformedJobIdIsA400()
    {
        var unknown = JobId.New();
        foreach (var path in new[] { $"/jobs/{unknown}", $"/jobs/{unknown}/checkpoints", $"/v1/jobs/{unknown}/checkpoints/config" })
        {
            var reply = await fixture.Http.GetJsonAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, reply.Status);
            Assert.StartsWith($"Job {unknown} not found.", reply.Error);
        }
        var patch = await fixture.Http.SendJsonAsync(HttpMethod.Patch, $"/jobs/{unknown}?mode=cancel", null);
        Assert.Equal(HttpStatusCode.NotFound, patch.Status);

        var nowhere = await fixture.Http.GetJsonAsync("/no-such-endpoint");
        Assert.Equal(HttpStatusCode.NotFound, nowhere.Status);
        Assert.Equal("Not found: /no-such-endpoint", nowhere.Error);

        var malformed = await fixture.Http.GetJsonAsync("/jobs/not-a-job-id");
        Assert.Equal(HttpStatusCode.BadRequest, malformed.Status);
        Assert.Contains("(jobid)", malformed.Error);
    }
}
