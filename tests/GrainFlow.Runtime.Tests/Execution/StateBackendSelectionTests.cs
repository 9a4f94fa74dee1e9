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
    public async Task RocksDbChosenInCodeRunsEveryKeyedSubtaskOnRocksDbAndCountsEveryKeyExactly()
    {
        var output = fixture.Directory.Combine($"rocksdb-in-code-{Guid.NewGuid():N}");
        var jobId = await fixture.Cluster.RunToCompletionAsync(StateBackendInCodeJob.Name, new Dictionary<string, string>
        {
            ["backend-in-code"] = "rocksdb", ["state.backend.type"] = "hashmap", ["records"] = "1000", ["keys"] = "10", ["output"] = output,
            ["state.backend.rocksdb.localdir"] = fixture.Directory.Combine("rocksdb"),
        }, parallelism: 2);

        Assert.Equal("rocksdb", (await fixture.Cluster.Job(jobId).GetConfigurationAsync())["state.backend.type"]);
        // keyed-count writes each key's running count: every key reaches 100, once.
        var finalCounts = Directory.GetFiles(output, "part-*").SelectMany(File.ReadLines).Where(l => l.Contains("Count = 100 ", StringComparison.Ordinal)).ToList();
        Assert.Equal(10, finalCounts.Count);
        Assert.Equal(10, finalCounts.Distinct().Count());
        // Each instance deleted its working directory when its operator closed.
        Assert.Empty(Directory.GetDirectories(fixture.Directory.Combine("rocksdb")));
    }
}
