using GrainFlow.Errors;
using GrainFlow.Jobs;
using GrainFlow.Runtime.Execution;
using GrainFlow.Runtime.Tests.Fixtures;
using GrainFlow.Runtime.Tests.TestJobs;
using GrainFlow.Silo.Examples;

namespace GrainFlow.Runtime.Tests.Execution;

/// <summary>
/// A job's state backend chosen in code (<c>env.SetStateBackend</c>) wins over <c>state.backend.type</c>
/// from the submission, as in Flink, reaches every keyed subtask, and a backend this build lacks is
/// refused before anything is created.
/// </summary>
[Collection(SharedClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class StateBackendSelectionTests(SharedClusterFixture fixture)
{
    [Fact]
    public async Task TheBackendChosenInCodeWinsOverTheSubmissionsStateBackendTypeAndKeepsEveryKeysState()
    {
        var jobId = await fixture.Cluster.RunToCompletionAsync(StateBackendInCodeJob.Name, new Dictionary<string, string>
        {
            ["backend-in-code"] = "hashmap", ["state.backend.type"] = "rocksdb", ["records"] = "1000", ["keys"] = "10", ["sink"] = "discard",
        }, parallelism: 2);

        Assert.Equal("hashmap", (await fixture.Cluster.Job(jobId).GetConfigurationAsync())["state.backend.type"]);
        var entries = new List<KeyedStateEntry>();
        for (var subtask = 0; subtask < 2; subtask++)
        {
            entries.AddRange(await fixture.Cluster.Client.GetGrain<ISubtaskGrain>(SubtaskKey.Of(jobId, "count", subtask))
                .GetKeyedStateAsync("count", KeyedCountJob.CountPerKey.StateName));
        }
        Assert.Equal(Enumerable.Range(0, 10).Select(k => k.ToString()), entries.Select(e => e.Key).Order());
        Assert.All(entries, e => Assert.Equal("100", e.Value));
    }

    [Fact]
    public async Task ABackendChosenInCodeThatThisBuildLacksIsRefusedAtSubmissionAndNothingIsCreated()
    {
        var registry = fixture.Cluster.Client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.DefaultKey);
        var jobsBefore = (await registry.ListJobsAsync()).Count;

        var error = await Assert.ThrowsAsync<JobConfigurationException>(() => fixture.Cluster.SubmitAsync(StateBackendInCodeJob.Name,
            new Dictionary<string, string> { ["backend-in-code"] = "rocksdb", ["state.backend.type"] = "hashmap", ["records"] = "10", ["sink"] = "discard" }));

        Assert.Contains("The state backend 'rocksdb' (EmbeddedRocksDBStateBackend, chosen by state.backend.type or env.SetStateBackend) "
            + "is not available in this build of GrainFlow; use one of: hashmap.", error.Message);
        Assert.Equal(jobsBefore, (await registry.ListJobsAsync()).Count);
    }
}
