using System.Net;
using GrainFlow.Jobs;
using GrainFlow.Silo.Examples;
using GrainFlow.Silo.Tests.Fixtures;

namespace GrainFlow.Silo.Tests.Rest;

/// <summary>
/// Issue 14 §1 over HTTP: <c>state.backend.type</c> given with a submission (its <c>flinkConfiguration</c>
/// or a <c>-D</c> in its <c>programArgsList</c>) runs the job on that backend and <c>/checkpoints/config</c>
/// reports it under Flink's class name; a backend or backend setting that cannot work is refused with a
/// 400 before anything is created.
/// </summary>
[Collection(LoopbackRestCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class StateBackendRestTests(LoopbackRestFixture fixture)
{
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
    [InlineData("state.backend.type", "rocksdb",
        "The state backend 'rocksdb' (EmbeddedRocksDBStateBackend, chosen by state.backend.type or env.SetStateBackend) is not available in this build of GrainFlow; use one of: hashmap.")]
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
