using GrainFlow.Runtime.Execution;
using GrainFlow.Runtime.Tests.Fixtures;
using GrainFlow.Runtime.Tests.TestJobs;

namespace GrainFlow.Runtime.Tests.Execution;

[Collection(SharedClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class ChannelOrderTests(SharedClusterFixture fixture)
{
    [Theory]
    [InlineData(2, 3, "16")]
    [InlineData(3, 2, "1")]
    public async Task RecordsOfEachSourceSplitReachTheKeyedOperatorInOrderAcrossSilosWithManySmallBatches(int sources, int checkers, string batchSize)
    {
        // Tiny batches and a 1 ms buffer timeout put thousands of concurrent batches on the channels
        // between two silos; the keyed function fails the job on any reordered, lost or repeated record.
        var jobId = await fixture.Cluster.RunToCompletionAsync(SequenceCheckJob.Name, new Dictionary<string, string>
        {
            ["records"] = "40000",
            ["source-parallelism"] = sources.ToString(),
            ["check-parallelism"] = checkers.ToString(),
            ["grainflow.network.batch-size"] = batchSize,
            ["execution.buffer-timeout.interval"] = "1 ms",
        }, timeout: TimeSpan.FromMinutes(2));

        var last = new List<KeyedStateEntry>();
        for (var i = 0; i < checkers; i++)
        {
            last.AddRange(await fixture.Cluster.Client.GetGrain<ISubtaskGrain>(SubtaskKey.Of(jobId, "check", i))
                .GetKeyedStateAsync("check", SequenceCheckJob.SequenceChecker.StateName));
        }
        Assert.Equal(8, last.Count);
        Assert.All(last, e => Assert.Equal("4999", e.Value));
    }
}
