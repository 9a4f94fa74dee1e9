using GrainFlow.Jobs;
using GrainFlow.Runtime.Execution;
using GrainFlow.Runtime.Tests.Fixtures;
using GrainFlow.Runtime.Tests.TestJobs;

namespace GrainFlow.Runtime.Tests.Execution;

[Collection(SharedClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class BackpressureTests(SharedClusterFixture fixture)
{
    [Fact]
    public async Task ASlowSinkHoldsBackAnEndlessGeneratorWithinTheChannelBound()
    {
        const int batchSize = 64;
        const int capacity = 2;
        var jobId = await fixture.Cluster.SubmitAsync(SlowSinkJob.Name, new Dictionary<string, string>
        {
            ["delay-ms"] = "20",
            ["grainflow.network.batch-size"] = batchSize.ToString(),
            ["grainflow.network.channel-capacity"] = capacity.ToString(),
        });
        try
        {
            var source = fixture.Cluster.Client.GetGrain<ISubtaskGrain>(SubtaskKey.Of(jobId, "generator", 0));
            var sink = fixture.Cluster.Client.GetGrain<ISubtaskGrain>(SubtaskKey.Of(jobId, "sum", 0));
            SubtaskMetrics sourceMetrics = null!, sinkMetrics = null!;
            for (var sample = 0; sample < 10; sample++)
            {
                await Task.Delay(200);
                sourceMetrics = await source.GetMetricsAsync();
                sinkMetrics = await sink.GetMetricsAsync();
                Assert.True(sourceMetrics.MaxQueuedBatches <= capacity, $"the source queued {sourceMetrics.MaxQueuedBatches} batches on a channel of capacity {capacity}");
            }
            var produced = sourceMetrics.SourceOffsets.Values.Sum();
            // What the source produced beyond what the sink took is bounded by the queued batches, the
            // one in flight and the one being emitted, whatever the speed difference.
            var bound = (capacity + 2) * batchSize + 1024;
            Assert.True(produced - sinkMetrics.RecordsIn <= bound, $"produced {produced}, consumed {sinkMetrics.RecordsIn}, bound {bound}");
            Assert.True(sinkMetrics.RecordsIn > 0);
        }
        finally
        {
            Assert.Equal(JobStatus.Canceled, await fixture.Cluster.Job(jobId).CancelAsync());
        }
    }
}
