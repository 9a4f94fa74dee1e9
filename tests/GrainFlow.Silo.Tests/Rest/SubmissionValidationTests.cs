using System.Diagnostics;
using System.Net;
using GrainFlow.Jobs;
using GrainFlow.Silo.Examples;
using GrainFlow.Silo.Tests.Fixtures;

namespace GrainFlow.Silo.Tests.Rest;

/// <summary>
/// Items 2–4 and D of issue 12 over HTTP: a setting that cannot work is refused at submission with a
/// 400 in Flink's error shape and nothing is created; settings without effect are accepted with a
/// warning each. Issue 14 §1: <c>state.backend.type</c> (Flink's legacy names included) runs the job on
/// that backend and <c>/checkpoints/config</c> names it; a backend or backend setting that cannot work is refused.
/// </summary>
[Collection(LoopbackRestCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class SubmissionValidationTests(LoopbackRestFixture fixture)
{
    [Fact]
    public async Task ACheckpointDirectoryWithAnUnsupportedSchemeIsRefusedAtSubmissionAndNothingIsCreated()
    {
        var jobsBefore = await JobCountAsync();

        var reply = await fixture.Http.PostJsonAsync($"/jars/{KeyedCountJob.Name}/run",
            """{"flinkConfiguration": {"execution.checkpointing.interval": "1 s", "state.checkpoints.dir": " s3://my-bucket/checkpoints/"}}""");

        Assert.True(reply.Status == HttpStatusCode.BadRequest, reply.ToString());
        Assert.Contains("'s3://my-bucket/checkpoints/'", reply.Error);
        Assert.Contains("the scheme 's3' is not supported", reply.Error);
        Assert.Contains("execution.checkpointing.dir", reply.Error);
        Assert.Equal(jobsBefore, await JobCountAsync());
    }

    [Theory]
    [InlineData("execution.checkpointing.incremental")]
    [InlineData("state.backend.incremental")]
    public async Task IncrementalCheckpointsOnTheHeapBackendAreRefusedAtSubmissionAndNothingIsCreated(string key)
    {
        var jobsBefore = await JobCountAsync();

        var reply = await fixture.Http.PostJsonAsync($"/jars/{KeyedCountJob.Name}/run",
            $$$"""{"flinkConfiguration": {"execution.checkpointing.interval": "1 s", "{{{key}}}": "true"}}""");

        Assert.True(reply.Status == HttpStatusCode.BadRequest, reply.ToString());
        Assert.Contains("execution.checkpointing.incremental: incremental checkpoints need state.backend.type=rocksdb", reply.Error);
        Assert.Equal(jobsBefore, await JobCountAsync());
    }

    [Theory]
    [InlineData("""{"parallelism": 12345}""")]
    [InlineData("""{"programArgsList": ["-Dparallelism.default=12345"]}""")]
    public async Task AParallelismAboveTheClusterLimitIsRefusedAtOnceInsteadOfFillingTheSilo(string body)
    {
        var jobsBefore = await JobCountAsync();
        var watch = Stopwatch.StartNew();

        var reply = await fixture.Http.PostJsonAsync($"/jars/{KeyedCountJob.Name}/run", body);

        Assert.True(reply.Status == HttpStatusCode.BadRequest, reply.ToString());
        Assert.Contains("parallelism 12345, above this cluster's limit of 128 (grainflow.submission.max-parallelism", reply.Error);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"refused after {watch.Elapsed}, not after deploying subtasks");
        Assert.Equal(jobsBefore, await JobCountAsync());
    }

    [Fact]
    public async Task AParallelismAboveTheJobsMaxParallelismIsABadRequestNamingBothAndCreatesNothing()
    {
        var jobsBefore = await JobCountAsync();

        var reply = await fixture.Http.PostJsonAsync($"/jars/{KeyedCountJob.Name}/run",
            """{"parallelism": 8, "programArgsList": ["--sink", "discard"], "flinkConfiguration": {"pipeline.max-parallelism": "4"}}""");

        Assert.True(reply.Status == HttpStatusCode.BadRequest, reply.ToString());
        Assert.Contains("has parallelism 8, above the job's max parallelism 4. Lower the parallelism or raise pipeline.max-parallelism.", reply.Error);
        Assert.Equal(jobsBefore, await JobCountAsync());
    }

    [Fact]
    public async Task SettingsWithoutEffectAreAcceptedWithOneWarningEachAndTheConfigReportsWhatTheJobHas()
    {
        var reply = await fixture.Http.PostJsonAsync($"/jars/{KeyedCountJob.Name}/run",
            """
            {"programArgsList": ["--records", "100000000", "--records-per-second", "1000", "--sink", "discard"],
             "flinkConfiguration": {"execution.checkpointing.interval": "1 h", "execution.checkpointing.unaligned": "true",
                                    "execution.checkpointing.timout": "1 min",
                                    "execution.checkpointing.unaligned.forced": "false", "rest.port": "8081"} }
            """);

        Assert.True(reply.Status == HttpStatusCode.OK, reply.ToString());
        var jobId = JobId.Parse(reply.Object["jobid"]!.GetValue<string>());
        try
        {
            var warnings = (await fixture.Rest.Cluster.Job(jobId).GetDetailsAsync()).Warnings!;
            Assert.Contains(warnings, w => w.StartsWith("'execution.checkpointing.unaligned.enabled' is not supported by GrainFlow yet and has no effect", StringComparison.Ordinal));
            Assert.Contains("'execution.checkpointing.timout' is not a setting GrainFlow knows and has no effect; did you mean 'execution.checkpointing.timeout'?", warnings);
            Assert.Contains("'execution.checkpointing.unaligned' is deprecated; use 'execution.checkpointing.unaligned.enabled'.", warnings);
            Assert.DoesNotContain(warnings, w => w.Contains("unaligned.forced", StringComparison.Ordinal));
            Assert.DoesNotContain(warnings, w => w.Contains("rest.port", StringComparison.Ordinal));

            var config = await fixture.Http.GetJsonAsync($"/jobs/{jobId}/checkpoints/config");
            Assert.False(config.Object["unaligned_checkpoints"]!.GetValue<bool>());
            Assert.Equal(600000, config.Object["timeout"]!.GetValue<long>());
        }
        finally
        {
            await fixture.Rest.Cluster.Job(jobId).CancelAsync();
        }
    }

    [Theory]
    [InlineData("filesystem")]
    [InlineData("jobmanager")]
    public async Task FlinksLegacyStateBackendNamesRunOnTheHeapBackendWithADeprecationWarning(string legacy)
    {
        var reply = await fixture.Http.PostJsonAsync($"/jars/{KeyedCountJob.Name}/run",
            $$"""{"programArgsList": ["--records", "1000", "--sink", "discard"], "flinkConfiguration": {"state.backend.type": "{{legacy}}", "execution.checkpointing.interval": "1 h"} }""");

        Assert.True(reply.Status == HttpStatusCode.OK, reply.ToString());
        var jobId = JobId.Parse(reply.Object["jobid"]!.GetValue<string>());
        var details = await fixture.Rest.Cluster.WaitForEndAsync(jobId);
        Assert.Equal(JobStatus.Finished, details.Status);
        Assert.Contains($"'state.backend.type: {legacy}' is deprecated; GrainFlow uses 'hashmap' instead, as Flink does. Set 'state.backend.type: hashmap'.", details.Warnings!);
        Assert.Equal("hashmap", (await fixture.Rest.Cluster.Job(jobId).GetConfigurationAsync())["state.backend.type"]);
        var config = await fixture.Http.GetJsonAsync($"/jobs/{jobId}/checkpoints/config");
        Assert.Equal("HashMapStateBackend", config.Object["state_backend"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"programArgsList": ["-Dstate.backend.type=hashmap", "--records", "1000", "--sink", "discard"], "flinkConfiguration": {"execution.checkpointing.interval": "1 h"}}""")]
    [InlineData("""{"programArgsList": ["--records", "1000", "--sink", "discard"], "flinkConfiguration": {"state.backend.type": "hashmap", "execution.checkpointing.interval": "1 h"}}""")]
    public async Task AKeyedJobSubmittedWithTheHashmapBackendRunsAndItsCheckpointConfigNamesHashMapStateBackend(string body)
    {
        var reply = await fixture.Http.PostJsonAsync($"/jars/{KeyedCountJob.Name}/run", body);

        Assert.True(reply.Status == HttpStatusCode.OK, reply.ToString());
        var jobId = JobId.Parse(reply.Object["jobid"]!.GetValue<string>());
        Assert.Equal(JobStatus.Finished, (await fixture.Rest.Cluster.WaitForEndAsync(jobId)).Status);
        var config = await fixture.Http.GetJsonAsync($"/jobs/{jobId}/checkpoints/config");
        Assert.True(config.Status == HttpStatusCode.OK, config.ToString());
        Assert.Equal("HashMapStateBackend", config.Object["state_backend"]!.GetValue<string>());
        Assert.Equal("FileSystemCheckpointStorage", config.Object["checkpoint_storage"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("state.backend.rocksdb.writebuffer.count", "0",
        "Invalid value '0' for configuration key 'state.backend.rocksdb.writebuffer.count': at least one write buffer is needed.")]
    [InlineData("state.backend.type", "memory", "Invalid value 'memory' for configuration key 'state.backend.type'")]
    [InlineData("state.backend", "heap", "Invalid value 'heap' for configuration key 'state.backend'")]
    [InlineData("state.backend.rocksdb.localdir", "rocksdb-work",
        "Invalid value 'rocksdb-work' for configuration key 'state.backend.rocksdb.localdir': the directory must be an absolute local path.")]
    public async Task AStateBackendSettingThatCannotWorkIsRefusedAtSubmissionAndNothingIsCreated(string key, string value, string expected)
    {
        var jobsBefore = await JobCountAsync();

        var reply = await fixture.Http.PostJsonAsync($"/jars/{KeyedCountJob.Name}/run",
            $$$"""{"programArgsList": ["--records", "1000", "--sink", "discard"], "flinkConfiguration": {"{{{key}}}": "{{{value}}}"}}""");

        Assert.True(reply.Status == HttpStatusCode.BadRequest, reply.ToString());
        Assert.Contains(expected, reply.Error);
        Assert.Equal(jobsBefore, await JobCountAsync());
    }

    private async Task<int> JobCountAsync() =>
        (await fixture.Rest.Cluster.Client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.DefaultKey).ListJobsAsync()).Count;
}
