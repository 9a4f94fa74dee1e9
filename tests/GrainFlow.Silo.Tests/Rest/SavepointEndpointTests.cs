using System.Net;
using GrainFlow.Jobs;
using GrainFlow.Silo.Examples;
using GrainFlow.Testing.Cluster;
using GrainFlow.Silo.Tests.Fixtures;

namespace GrainFlow.Silo.Tests.Rest;

/// <summary>Savepoints, stop-with-savepoint, disposal and restore through the REST API, checked on disk.</summary>
[Collection(LoopbackRestCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class SavepointEndpointTests(LoopbackRestFixture fixture)
{
    private Task<JobId> SubmitRunningAsync(string? output = null) =>
        fixture.Rest.Cluster.SubmitAsync(KeyedCountJob.Name, new Dictionary<string, string>
        {
            ["records"] = "100000000", ["records-per-second"] = "2000", ["keys"] = "10",
            ["sink"] = output is null ? "discard" : "file", ["output"] = output ?? "",
            ["execution.checkpointing.interval"] = "1 h",
            ["execution.checkpointing.dir"] = fixture.Rest.Directory.Combine("savepoint-test-checkpoints"),
        });

    [Fact]
    public async Task TheSeedsCurlCommandWorksVerbatimAndWritesASavepointFolder()
    {
        const string seedTarget = "/tmp/flink-savepoints-new";
        var jobId = await SubmitRunningAsync();
        string? location = null;
        try
        {
            // curl -X POST http://localhost:8081/jobs/<id>/savepoints -H "Content-Type: application/json" -d '{"target-directory": "/tmp/flink-savepoints-new"}'
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/jobs/{jobId}/savepoints")
            {
                Content = new StringContent("""{"target-directory": "/tmp/flink-savepoints-new"}""", System.Text.Encoding.UTF8, "application/json"),
            };
            using var response = await fixture.Http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.Accepted, text);
            var triggerId = System.Text.Json.Nodes.JsonNode.Parse(text)!["request-id"]!.GetValue<string>();

            var operation = await fixture.Http.PollCompletedAsync($"/jobs/{jobId}/savepoints/{triggerId}");
            Assert.Null(operation["failure-cause"]);
            location = operation["location"]!.GetValue<string>();
            SavepointFolders.AssertIsSavepointOf(location, seedTarget, jobId);
            Assert.Equal(JobStatus.Running, (await fixture.Rest.Cluster.Job(jobId).GetDetailsAsync()).Status);
        }
        finally
        {
            await fixture.Rest.Cluster.Job(jobId).CancelAsync();
            // Only the folder this test created; the seed's directory may hold a user's savepoints.
            if (location is not null) Directory.Delete(SavepointFolders.LocalPath(location), recursive: true);
        }
    }

    [Fact]
    public async Task CancelJobTakesTheSavepointThenCancelsAndAClientTriggerIdIsIdempotent()
    {
        var target = fixture.Rest.Directory.Combine("cancel-with-savepoint");
        var jobId = await SubmitRunningAsync();
        var triggerId = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        var body = $$"""{"target-directory": "{{target}}", "cancel-job": true, "formatType": "NATIVE", "triggerId": "{{triggerId}}"}""";

        var first = await fixture.Http.PostJsonAsync($"/jobs/{jobId}/savepoints", body);
        Assert.True(first.Status == HttpStatusCode.Accepted, first.ToString());
        Assert.Equal(triggerId, first.Object["request-id"]!.GetValue<string>());
        var operation = await fixture.Http.PollCompletedAsync($"/jobs/{jobId}/savepoints/{triggerId}");
        SavepointFolders.AssertIsSavepointOf(operation["location"]!.GetValue<string>(), target, jobId);
        Assert.Equal(JobStatus.Canceled, (await fixture.Rest.Cluster.WaitForEndAsync(jobId)).Status);

        var retry = await fixture.Http.PostJsonAsync($"/jobs/{jobId}/savepoints", body);
        Assert.Equal(HttpStatusCode.Accepted, retry.Status);
        Assert.Equal(triggerId, retry.Object["request-id"]!.GetValue<string>());
        Assert.Single(Directory.GetDirectories(target));
    }

    [Fact]
    public async Task StopTakesAFinalSavepointAndTheJobFinishesThenRunRestoresFromIt()
    {
        var target = fixture.Rest.Directory.Combine("stop-savepoints");
        var jobId = await SubmitRunningAsync();

        var stop = await fixture.Http.PostJsonAsync($"/jobs/{jobId}/stop", $$"""{"targetDirectory": "{{target}}", "drain": false}""");
        Assert.True(stop.Status == HttpStatusCode.Accepted, stop.ToString());
        var operation = await fixture.Http.PollCompletedAsync($"/jobs/{jobId}/savepoints/{stop.Object["request-id"]!.GetValue<string>()}");
        var location = operation["location"]!.GetValue<string>();
        SavepointFolders.AssertIsSavepointOf(location, target, jobId);
        Assert.Equal(JobStatus.Finished, (await fixture.Rest.Cluster.WaitForEndAsync(jobId)).Status);

        var run = await fixture.Http.PostJsonAsync($"/jars/{KeyedCountJob.Name}/run?allowNonRestoredState=false",
            $$"""{"savepointPath": "{{location}}", "claimMode": "NO_CLAIM", "programArgsList": ["--records", "100000000", "--records-per-second", "1000", "--sink", "discard"]}""");
        Assert.True(run.Status == HttpStatusCode.OK, run.ToString());
        var restored = JobId.Parse(run.Object["jobid"]!.GetValue<string>());
        try
        {
            var details = await fixture.Rest.Cluster.Job(restored).GetDetailsAsync();
            Assert.Contains(new DirectoryInfo(location.TrimEnd('/')).Name, details.StateOrigin);
            Assert.True(Directory.Exists(SavepointFolders.LocalPath(location)), "NO_CLAIM never deletes the savepoint");
        }
        finally
        {
            await fixture.Rest.Cluster.Job(restored).CancelAsync();
        }
    }

    [Fact]
    public async Task DisposalDeletesTheSavepointFolderAndReportsCompletionButLeavesAForeignFileAndWithItTheFolder()
    {
        var target = fixture.Rest.Directory.Combine("dispose-savepoints");
        var jobId = await SubmitRunningAsync();
        string location;
        try
        {
            var trigger = await fixture.Http.PostJsonAsync($"/jobs/{jobId}/savepoints", $$"""{"target-directory": "{{target}}"}""");
            Assert.True(trigger.Status == HttpStatusCode.Accepted, trigger.ToString());
            location = (await fixture.Http.PollCompletedAsync($"/jobs/{jobId}/savepoints/{trigger.Object["request-id"]!.GetValue<string>()}"))["location"]!.GetValue<string>();
        }
        finally
        {
            await fixture.Rest.Cluster.Job(jobId).CancelAsync();
        }

        var copy = SavepointFolders.Copy(location, fixture.Rest.Directory.Combine($"dispose-copy-{Guid.NewGuid():N}"));
        var foreign = SavepointFolders.PlaceForeignFile(copy);

        foreach (var path in new[] { location, copy })
        {
            var dispose = await fixture.Http.PostJsonAsync("/savepoint-disposal", $$"""{"savepoint-path": "{{path}}"}""");
            Assert.Equal(HttpStatusCode.Accepted, dispose.Status);
            var outcome = await fixture.Http.PollCompletedAsync($"/savepoint-disposal/{dispose.Object["request-id"]!.GetValue<string>()}");
            Assert.Null(outcome["failure-cause"]);
        }
        SavepointFolders.AssertDisposed(location);
        SavepointFolders.AssertOnlyForeignFileLeft(copy, foreign);
    }

    [Fact]
    public async Task ASavepointOfAnEndedJobIsAConflictAndAnUnknownTriggerIsNotFound()
    {
        var jobId = await fixture.Rest.Cluster.RunToCompletionAsync(KeyedCountJob.Name, new Dictionary<string, string> { ["records"] = "10", ["sink"] = "discard" });
        var target = fixture.Rest.Directory.Combine("never-written");

        var trigger = await fixture.Http.PostJsonAsync($"/jobs/{jobId}/savepoints", $$"""{"target-directory": "{{target}}"}""");
        Assert.Equal(HttpStatusCode.Conflict, trigger.Status);
        Assert.Contains("FINISHED", trigger.Error);
        var stop = await fixture.Http.PostJsonAsync($"/jobs/{jobId}/stop", "{}");
        Assert.Equal(HttpStatusCode.Conflict, stop.Status);
        Assert.False(Directory.Exists(target));

        var unknown = await fixture.Http.GetJsonAsync($"/jobs/{jobId}/savepoints/{new string('b', 32)}");
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
    }
}
