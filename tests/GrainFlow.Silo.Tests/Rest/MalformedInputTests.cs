using System.Net;
using System.Text;
using GrainFlow.Jobs;
using GrainFlow.Silo.Examples;
using GrainFlow.Silo.Tests.Fixtures;

namespace GrainFlow.Silo.Tests.Rest;

/// <summary>Whatever a client sends, bad input is a 400 in Flink's errors shape — never a 500 — and changes nothing.</summary>
[Collection(LoopbackRestCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class MalformedInputTests(LoopbackRestFixture fixture)
{
    private static readonly string[] MalformedBodies =
    [
        "{", "}", "{\"target-directory\": ", "[]", "[1, 2]", "42", "\"text\"", "null", "true", "{\"a\":1}{\"b\":2}",
        "{'single': 'quotes'}", "{\"triggerId\": 5}", "{\"triggerId\": \"not-hex\"}", "{\"formatType\": \"ZIP\"}",
        "{\"formatType\": 1}", "{\"cancel-job\": \"yes\"}", "{\"drain\": 1}", "{\"checkpointType\": \"SOMETIMES\"}",
        "{\"savepoint-path\": 7}", "{\"programArgsList\": \"--a b\"}", "{\"programArgsList\": [1]}", "{\"unknown-field\": true}",
        "\u0000\u0001\u0002", "{\"target-directory\": \"\\uZZZZ\"}",
    ];

    [Fact]
    public async Task MalformedBodiesToEveryPostEndpointAre400sWithOneErrorMessage()
    {
        var jobId = await fixture.Rest.Cluster.SubmitAsync(KeyedCountJob.Name, new Dictionary<string, string>
        {
            ["records"] = "100000000", ["records-per-second"] = "1000", ["sink"] = "discard",
            ["execution.checkpointing.interval"] = "1 h", ["execution.checkpointing.dir"] = fixture.Rest.Directory.Combine("malformed-checkpoints"),
        });
        try
        {
            var endpoints = new[] { $"/jobs/{jobId}/savepoints", $"/jobs/{jobId}/stop", $"/jobs/{jobId}/checkpoints", "/savepoint-disposal", $"/jars/{KeyedCountJob.Name}/run" };
            var jobsBefore = (await fixture.Rest.Cluster.Client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.DefaultKey).ListJobsAsync()).Count;
            foreach (var endpoint in endpoints)
            {
                foreach (var body in MalformedBodies)
                {
                    var reply = await fixture.Http.PostJsonAsync(endpoint, body);
                    Assert.True(reply.Status == HttpStatusCode.BadRequest, $"POST {endpoint} {body}: {reply}");
                    Assert.NotEmpty(reply.Error);
                }
            }
            Assert.Equal(JobStatus.Running, (await fixture.Rest.Cluster.Job(jobId).GetDetailsAsync()).Status);
            Assert.Equal(0, (await fixture.Rest.Cluster.Job(jobId).GetCheckpointStatsAsync()).Total);
            Assert.Equal(jobsBefore, (await fixture.Rest.Cluster.Client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.DefaultKey).ListJobsAsync()).Count);
        }
        finally
        {
            await fixture.Rest.Cluster.Job(jobId).CancelAsync();
        }
    }

    [Fact]
    public async Task ABodyOverTheLimitIsA413AndMalformedPathParametersAre400s()
    {
        // Expect: 100-continue lets the server refuse by the declared length before the body is sent
        // (otherwise the refusal may close the connection while the client is still writing).
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/jobs/{JobId.New()}/savepoints")
        {
            Content = new StringContent("{\"target-directory\": \"" + new string('x', 2 << 20) + "\"}", Encoding.UTF8, "application/json"),
        };
        request.Headers.ExpectContinue = true;
        using var response = await fixture.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("\"errors\"", await response.Content.ReadAsStringAsync());

        foreach (var path in new[] { "/jobs/xyz/savepoints/abc", "/jobs/0123/checkpoints", $"/jobs/{JobId.New()}/checkpoints/details/minus-one", $"/jobs/{JobId.New()}/savepoints/bad%20id" })
        {
            var reply = await fixture.Http.GetJsonAsync(path);
            Assert.True(reply.Status == HttpStatusCode.BadRequest, $"GET {path}: {reply}");
            Assert.StartsWith("Bad request, could not parse parameters", reply.Error);
        }
    }

    [Fact]
    public async Task AFormEncodedBodyIsRefusedAsAnUnsupportedMediaType()
    {
        var reply = await fixture.Http.SendJsonAsync(HttpMethod.Post, "/savepoint-disposal", "savepoint-path=/tmp/x", "application/x-www-form-urlencoded");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, reply.Status);
        Assert.StartsWith("Unsupported Content-Type 'application/x-www-form-urlencoded'", reply.Error);
    }
}
