using GrainFlow.Jobs;
using GrainFlow.Runtime.Tests.Fixtures;
using GrainFlow.Runtime.Tests.TestJobs;

namespace GrainFlow.Runtime.Tests.Jobs;

/// <summary>Side outputs in a running job: read chained and over a keyBy, next to the main output, exactly once through a failure.</summary>
[Collection(SharedClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class SideOutputTests(SharedClusterFixture fixture)
{
    private const long Records = 12_000;
    private const long Keys = 20;

    [Fact]
    public async Task MainAndSideOutputsReadChainedAndOverAKeyByAreEachExactlyOnceAcrossAnInjectedFailure()
    {
        var plan = FailurePlan.Create([Records / 2]);
        var ones = fixture.Directory.Combine($"ones-{Guid.NewGuid():N}");
        var settings = new Dictionary<string, string>
        {
            ["execution.checkpointing.interval"] = "100 ms",
            ["execution.checkpointing.dir"] = fixture.Directory.Combine($"checkpoints-{Guid.NewGuid():N}"),
            ["execution.buffer-timeout.interval"] = "5 ms",
            ["records"] = Records.ToString(),
            ["keys"] = Keys.ToString(),
            ["failure-plan"] = plan,
            ["ones-output"] = ones,
            ["restart-strategy.type"] = "fixed-delay",
            ["restart-strategy.fixed-delay.attempts"] = "3",
            ["restart-strategy.fixed-delay.delay"] = "50 ms",
        };
        var jobId = await fixture.Cluster.SubmitAsync(SideOutputJob.Name, settings, parallelism: 2);
        var details = await fixture.Cluster.WaitForEndAsync(jobId, TimeSpan.FromMinutes(2));

        Assert.True(details.Status == JobStatus.Finished, $"{details.Status}: {details.Failure?.Message}");
        Assert.Equal(0, FailurePlan.Remaining(plan));
        Assert.True(details.Attempt >= 2, "the injected failure restarted the job");
        // The only reader of "ones" runs inside the split's vertex; "twos" crosses a keyBy to parallelism 3.
        Assert.Contains(details.Vertices, v => v.OperatorUids.SequenceEqual(["numbers", "injector", "split", "ones-sink"]));
        Assert.Contains(details.Vertices, v => v.OperatorUids.SequenceEqual(["twos-count", "twos-sink"]) && v.Parallelism == SideOutputJob.SideCountParallelism);

        var probe = new RecoveryProbe(fixture.Cluster, jobId);
        Assert.Equal(ExpectedCounts(remainder: 0), new SortedDictionary<string, long>(await probe.CountsAsync(2, "main-count"), StringComparer.Ordinal));
        Assert.Equal(ExpectedCounts(remainder: 2),
            new SortedDictionary<string, long>(await probe.CountsAsync(SideOutputJob.SideCountParallelism, "twos-count"), StringComparer.Ordinal));
        var written = Directory.GetFiles(ones, "part-*.jsonl").SelectMany(File.ReadLines).Where(l => l.Length > 0).Select(long.Parse).Order().ToList();
        Assert.Equal(Numbers().Where(n => n % 3 == 1), written);
        Assert.Empty(Directory.GetFiles(ones, "*.inprogress"));
    }

    private static IEnumerable<long> Numbers() => Enumerable.Range(0, (int)Records).Select(n => (long)n);

    private static SortedDictionary<string, long> ExpectedCounts(int remainder) => new(Numbers().Where(n => n % 3 == remainder)
        .GroupBy(n => n % Keys).ToDictionary(g => g.Key.ToString(), g => (long)g.Count()), StringComparer.Ordinal);
}
