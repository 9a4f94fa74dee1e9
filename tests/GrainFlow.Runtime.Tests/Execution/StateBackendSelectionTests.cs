using GrainFlow.Jobs;
using GrainFlow.Runtime.Execution;
using GrainFlow.Runtime.Tests.Fixtures;
using GrainFlow.Runtime.Tests.TestJobs;
using GrainFlow.Silo.Examples;

namespace GrainFlow.Runtime.Tests.Execution;

/// <summary>
/// A job's state backend chosen in code (<c>env.SetStateBackend</c>) wins over <c>state.backend.type</c>
/// from the submission, as in Flink, and reaches every keyed subtask, on either backend.
/// </summary>
[Collection(SharedClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class StateBackendSelectionTests(SharedClusterFixture fixture)
{
    [Theory]
    [InlineData("hashmap", "rocksdb")]
    [InlineData("rocksdb", "hashmap")]
    public async Task TheBackendChosenInCodeWinsOverTheSubmissionsStateBackendTypeAndKeepsEveryKeysState(string inCode, string submitted)
    {
        var jobId = await fixture.Cluster.RunToCompletionAsync(StateBackendInCodeJob.Name, new Dictionary<string, string>
        {
            ["backend-in-code"] = inCode, ["state.backend.type"] = submitted, ["records"] = "1000", ["keys"] = "10", ["sink"] = "discard",
            ["state.backend.rocksdb.localdir"] = fixture.Directory.Combine("rocksdb"),
        }, parallelism: 2);

        Assert.Equal(inCode, (await fixture.Cluster.Job(jobId).GetConfigurationAsync())["state.backend.type"]);
        // A finished subtask's state stays readable (on RocksDB too: its instance lives until the activation goes).
        var entries = new List<KeyedStateEntry>();
        for (var subtask = 0; subtask < 2; subtask++)
        {
            entries.AddRange(await fixture.Cluster.Client.GetGrain<ISubtaskGrain>(SubtaskKey.Of(jobId, "count", subtask))
                .GetKeyedStateAsync("count", KeyedCountJob.CountPerKey.StateName));
        }
        Assert.Equal(Enumerable.Range(0, 10).Select(k => k.ToString()), entries.Select(e => e.Key).Order());
        Assert.All(entries, e => Assert.Equal("100", e.Value));
    }
}
