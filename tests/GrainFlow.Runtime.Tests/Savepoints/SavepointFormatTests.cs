using System.Text.Json;
using GrainFlow.Jobs;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Runtime.Execution;
using GrainFlow.Runtime.Tests.Fixtures;
using GrainFlow.Savepoints;
using GrainFlow.Testing.Jobs;

namespace GrainFlow.Runtime.Tests.Savepoints;

/// <summary>
/// Canonical and native savepoints of a job whose keyed state holds a user type (a record in value
/// state, a dictionary in map state): the codecs each records in its state files, and an exact
/// restore from each at another parallelism.
/// </summary>
[Collection(SharedClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class SavepointFormatTests(SharedClusterFixture fixture)
{
    private const long Records = 6_000;
    private const long Keys = 24;

    private static Dictionary<string, string> Settings(params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string>
        {
            ["records"] = Records.ToString(),
            ["keys"] = Keys.ToString(),
            ["records-per-second"] = "2000",
            ["execution.buffer-timeout.interval"] = "5 ms",
        };
        foreach (var (key, value) in more) settings[key] = value;
        return settings;
    }

    [Theory]
    [InlineData(SavepointFormatType.Canonical, 2, 3)]
    [InlineData(SavepointFormatType.Native, 3, 1)]
    public async Task ASavepointWritesUserTypesInItsFormatsCodecAndRestoresThemExactlyAtAnotherParallelism(SavepointFormatType format, int from, int to)
    {
        var first = await fixture.Cluster.SubmitAsync(KeyedSummaryJob.Name, Settings(), from);
        await fixture.Cluster.WaitForRecordsAsync(first, KeyedSummaryJob.OperatorUid, from, 1_000);
        var trigger = await fixture.Cluster.Job(first).TriggerSavepointAsync(
            new SavepointRequest(fixture.Directory.Combine($"formats-{Guid.NewGuid():N}"), format, SavepointTermination.Stop));
        var operation = await fixture.Cluster.WaitForSavepointAsync(first, trigger);
        Assert.True(operation.Succeeded, operation.FailureMessage);

        var inspector = await SnapshotInspector.OpenAsync(operation.Location!, new GrainFlow.Configuration.GrainFlowConfiguration(new Dictionary<string, string>()));
        Assert.Equal(format, inspector.Metadata.SavepointFormat);
        var tables = inspector.Operators.Single(o => o.Uid == KeyedSummaryJob.OperatorUid).Subtasks.SelectMany(s => s.Tables).ToList();
        Assert.NotEmpty(tables);
        var summary = tables.Where(t => t.Name == KeyedSummaryJob.SummaryState).Distinct().Single();
        var residues = tables.Where(t => t.Name == KeyedSummaryJob.ResiduesState).Distinct().Single();
        Assert.Equal("long", summary.KeyCodec);
        var userTypeCodec = format == SavepointFormatType.Canonical ? "json:v1:" : "orleans:";
        Assert.Equal(userTypeCodec + typeof(KeySummary).FullName, summary.ValueCodec);
        Assert.StartsWith(userTypeCodec + "System.Collections.Immutable.ImmutableDictionary`2", residues.ValueCodec);

        var second = await fixture.Cluster.SubmitAsync(KeyedSummaryJob.Name, Settings(("execution.state-recovery.path", operation.Location!)), to);
        var resumed = await fixture.Cluster.WaitForEndAsync(second, TimeSpan.FromMinutes(2));
        Assert.True(resumed.Status == JobStatus.Finished, $"{resumed.Status}: {resumed.Failure?.Message}");
        Assert.Contains("from savepoint", resumed.StateOrigin);

        var expected = KeyedSummaryJob.Expected(Records, Keys);
        var summaries = await StateAsync<KeySummary>(second, to, KeyedSummaryJob.SummaryState);
        var residueCounts = await StateAsync<Dictionary<int, long>>(second, to, KeyedSummaryJob.ResiduesState);
        Assert.Equal(expected.Keys.Order(), summaries.Keys.Order());
        foreach (var (key, (expectedSummary, expectedResidues)) in expected)
        {
            Assert.Equal(expectedSummary, summaries[key]);
            Assert.Equal(expectedResidues.OrderBy(r => r.Key), residueCounts[key].OrderBy(r => r.Key));
        }
    }

    private async Task<Dictionary<long, T>> StateAsync<T>(JobId jobId, int parallelism, string state)
    {
        var values = new Dictionary<long, T>();
        for (var i = 0; i < parallelism; i++)
        {
            var grain = fixture.Cluster.Client.GetGrain<ISubtaskGrain>(SubtaskKey.Of(jobId, KeyedSummaryJob.OperatorUid, i));
            foreach (var entry in await grain.GetKeyedStateAsync(KeyedSummaryJob.OperatorUid, state))
            {
                Assert.True(values.TryAdd(long.Parse(entry.Key), JsonSerializer.Deserialize<T>(entry.Value)!), $"key {entry.Key} is on two subtasks");
            }
        }
        return values;
    }

}
