using GrainFlow.Configuration;
using GrainFlow.Jobs;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Runtime.Tests.Fixtures;
using GrainFlow.Runtime.Tests.TestJobs;
using GrainFlow.Savepoints;
using GrainFlow.Silo.Examples;

namespace GrainFlow.Runtime.Tests.Savepoints;

/// <summary>
/// A job whose keyed state changed type since the snapshot it restores (same operator uid, same state name) fails at
/// once with a message naming the operator, the state, both codecs and the fix — from a canonical savepoint, and from a
/// native RocksDB savepoint, whose bytes would otherwise be read with the new type's codec. No restart is attempted: every
/// restart would restore the same snapshot.
/// </summary>
[Collection(SharedClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class ChangedStateTypeTests(SharedClusterFixture fixture)
{
    [Theory]
    [InlineData(SavepointFormatType.Canonical, "hashmap")]
    [InlineData(SavepointFormatType.Native, "rocksdb")]
    public async Task RestoringAStateWhoseTypeChangedFailsTheJobWithoutRestartsNamingTheOperatorTheStateAndBothCodecs(SavepointFormatType format, string backend)
    {
        var settings = new Dictionary<string, string>
        {
            ["records"] = "1000000", ["keys"] = "10", ["records-per-second"] = "2000", ["sink"] = "discard",
            ["state.backend.type"] = backend, ["state.backend.rocksdb.localdir"] = fixture.Directory.Combine("rocksdb"),
            ["restart-strategy.type"] = "fixed-delay", ["restart-strategy.fixed-delay.attempts"] = "5", ["restart-strategy.fixed-delay.delay"] = "10 ms",
        };
        var first = await fixture.Cluster.SubmitAsync(KeyedCountJob.Name, settings, 2);
        await fixture.Cluster.WaitForRecordsAsync(first, "count", 2, 200);
        var trigger = await fixture.Cluster.Job(first).TriggerSavepointAsync(
            new SavepointRequest(fixture.Directory.Combine($"changed-type-{Guid.NewGuid():N}"), format, SavepointTermination.Stop));
        var savepoint = await fixture.Cluster.WaitForSavepointAsync(first, trigger);
        Assert.True(savepoint.Succeeded, savepoint.FailureMessage);

        var second = await fixture.Cluster.SubmitAsync(CountAsTextJob.Name,
            new Dictionary<string, string>(settings) { ["execution.state-recovery.path"] = savepoint.Location! }, 2);
        var failed = await fixture.Cluster.WaitForEndAsync(second, TimeSpan.FromMinutes(1));

        Assert.Equal(JobStatus.Failed, failed.Status);
        Assert.Equal(1, failed.Attempt);
        var message = failed.Failure!.Message;
        Assert.Contains("'Count per key' (count)", message);
        Assert.Contains("'count'", message);
        Assert.Contains("long", message);
        Assert.Contains("string", message);
        Assert.Contains("Restore with the state types the snapshot was taken with", message);
        // The savepoint is the user's: refusing it left it whole (verified) for the job that can read it.
        var (_, metadata) = await SnapshotResolver.OpenVerifiedAsync(savepoint.Location!, new GrainFlowConfiguration(settings));
        Assert.Equal(format, metadata.SavepointFormat);
    }
}
