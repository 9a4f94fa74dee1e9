using System.Net;
using GrainFlow.Jobs;
using GrainFlow.Silo.Examples;
using GrainFlow.Silo.Tests.Fixtures;

namespace GrainFlow.Silo.Tests.Rest;

/// <summary>The registered job types as Flink's jars: listed by GET /jars, submitted by POST /jars/:jarid/run.</summary>
[Collection(LoopbackRestCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class JarEndpointTests(LoopbackRestFixture fixture)
{
    [Fact]
    public async Task JarsListsEveryRegisteredJobTypeInFlinksJarListShape()
    {
        var reply = await fixture.Http.GetJsonAsync("/jars");

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal(fixture.Http.BaseAddress!.GetLeftPart(UriPartial.Authority), reply.Object["address"]!.GetValue<string>());
        var files = reply.Object["files"]!.AsArray();
        Assert.Equal([KeyedCountJob.Name, GrainFlow.Silo.Examples.UserSessions.UserSessionsJob.Name, WordCountJob.Name], files.Select(f => f!["id"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        var keyed = files.Single(f => f!["id"]!.GetValue<string>() == KeyedCountJob.Name)!;
        Assert.Equal(KeyedCountJob.Name, keyed["name"]!.GetValue<string>());
        Assert.True(keyed["uploaded"]!.GetValue<long>() > 0);
        Assert.Equal(KeyedCountJob.Name, Assert.Single(keyed["entry"]!.AsArray())!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task RunSubmitsWithProgramArgumentsConfigurationAndParallelismAndTheJobWritesItsCounts()
    {
        var output = fixture.Rest.Directory.Combine($"jar-run-{Guid.NewGuid():N}");
        var body = $$"""
            {"programArgsList": ["--records", "3000", "--keys=3", "-Doutput={{output}}"],
             "parallelism": 2,
             "flinkConfiguration": {"execution.checkpointing.interval": "100 ms", "pipeline.max-parallelism": 64} }
            """;

        var reply = await fixture.Http.PostJsonAsync($"/jars/{KeyedCountJob.Name}/run", body);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.True(JobId.TryParse(reply.Object["jobid"]!.GetValue<string>(), out var jobId), reply.Text);
        var details = await fixture.Rest.Cluster.WaitForEndAsync(jobId.Value);
        Assert.Equal(JobStatus.Finished, details.Status);
        Assert.Equal(64, details.MaxParallelism);
        Assert.All(details.Vertices, v => Assert.Equal(2, v.Parallelism));
        Assert.Equal(new Dictionary<string, long> { ["0"] = 1000, ["1"] = 1000, ["2"] = 1000 }.OrderBy(p => p.Key),
            ExampleResults.FinalCounts(output).OrderBy(p => p.Key));
    }

    [Fact]
    public async Task AnUnknownJarIsNotFoundAndBadArgumentsAreBadRequestsThatStartNothing()
    {
        var before = (await fixture.Rest.Cluster.Client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.DefaultKey).ListJobsAsync()).Count;

        var unknown = await fixture.Http.PostJsonAsync("/jars/no-such-job/run", "{}");
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        Assert.StartsWith("No job named 'no-such-job' is registered in this cluster.", unknown.Error);

        var cases = new Dictionary<string, string>
        {
            ["""{"programArgsList": ["records", "10"]}"""] = "Invalid program argument \"records\"",
            ["""{"parallelism": 0}"""] = "\"parallelism\"",
            ["""{"parallelism": "two"}"""] = "\"parallelism\"",
            ["""{"claimMode": "SOMETIMES"}"""] = "\"claimMode\"",
            ["""{"claimMode": "LEGACY"}"""] = "LEGACY",
            ["""{"jobId": "0123456789abcdef0123456789abcdef"}"""] = "\"jobId\"",
            ["""{"flinkConfiguration": {"parallelism.default": "zero"}}"""] = "'parallelism.default'",
            ["""{"flinkConfiguration": ["a=b"]}"""] = "\"flinkConfiguration\"",
        };
        foreach (var (body, expected) in cases)
        {
            var reply = await fixture.Http.PostJsonAsync($"/jars/{KeyedCountJob.Name}/run", body);
            Assert.True(reply.Status == HttpStatusCode.BadRequest, $"{body}: {reply}");
            Assert.Contains(expected, reply.Error);
        }
        var query = await fixture.Http.PostJsonAsync($"/jars/{KeyedCountJob.Name}/run?allowNonRestoredState=maybe", "{}");
        Assert.Equal(HttpStatusCode.BadRequest, query.Status);

        Assert.Equal(before, (await fixture.Rest.Cluster.Client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.DefaultKey).ListJobsAsync()).Count);
    }
}
