using GrainFlow.Jobs;
using GrainFlow.Runtime.Execution;
using GrainFlow.Runtime.Tests.Fixtures;
using GrainFlow.Runtime.Tests.TestJobs;
using GrainFlow.Savepoints;
using GrainFlow.Silo.Examples;
using GrainFlow.Storage;
using GrainFlow.Storage.FileSystem;
using GrainFlow.Testing.Azurite;
using GrainFlow.Testing.Cluster;

namespace GrainFlow.Runtime.Tests.Savepoints;

/// <summary>
/// A savepoint taken into Azure Blob storage (Azurite), then copied object by object into another
/// container and onto the local disk: each copy restores a new job with exact state, because the
/// savepoint references its files only by relative path.
/// </summary>
[Collection(AzuriteCollection.Name)]
[Trait("Category", "Azurite")]
public sealed class SavepointRelocationTests(AzuriteFixture azurite) : IDisposable
{
    private const long Records = 9_000;
    private const long Keys = 30;
    private readonly TemporaryDirectory _temp = new("grainflow-savepoint-relocation");

    private Dictionary<string, string> CountJob(params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string>
        {
            ["records"] = Records.ToString(),
            ["keys"] = Keys.ToString(),
            ["records-per-second"] = "3000",
            ["execution.buffer-timeout.interval"] = "5 ms",
            ["grainflow.storage.azure.connection-string"] = azurite.ConnectionString,
        };
        foreach (var (key, value) in more) settings[key] = value;
        return settings;
    }

    [Fact]
    public async Task ASavepointInBlobStorageCopiedToAnotherContainerAndToDiskRestoresFromBoth()
    {
        await using var cluster = await RuntimeCluster.StartAsync(new FileSystemObjectStore(_temp.Combine("store")), silos: 1);
        var source = azurite.NewContainerName("sp");
        var first = await cluster.SubmitAsync(CheckpointedCountJob.Name, CountJob(), parallelism: 2);
        await cluster.WaitForRecordsAsync(first, "count", 2, 500);
        var trigger = await cluster.Job(first).TriggerSavepointAsync(new SavepointRequest($"azblob://{source}", Then: SavepointTermination.Stop));
        var operation = await cluster.WaitForSavepointAsync(first, trigger);
        Assert.True(operation.Succeeded, operation.FailureMessage);
        var location = operation.Location!;
        var folder = location[(location.LastIndexOf('/') + 1)..];
        Assert.StartsWith($"savepoint-{first.Value[..6]}-", folder);

        var from = azurite.CreateStore(source);
        var otherContainer = azurite.NewContainerName("moved");
        var copies = new[]
        {
            (Store: (IObjectStore)azurite.CreateStore(otherContainer), Path: $"azblob://{otherContainer}/copied"),
            (Store: new FileSystemObjectStore(_temp.Combine("on-disk")), Path: Path.Combine(_temp.Combine("on-disk"), "copied")),
        };
        foreach (var (to, path) in copies)
        {
            await foreach (var blob in from.ListAsync($"{folder}/"))
            {
                var stored = (await from.GetAsync(blob.Key))!;
                await to.PutAsync("copied/" + blob.Key[(folder.Length + 1)..], stored.Data);
            }

            var resumed = await cluster.SubmitAsync(CheckpointedCountJob.Name, CountJob(("execution.state-recovery.path", path)), parallelism: 3);
            var details = await cluster.WaitForEndAsync(resumed, TimeSpan.FromMinutes(2));
            Assert.True(details.Status == JobStatus.Finished, $"{details.Status}: {details.Failure?.Message}");
            Assert.Contains($"from savepoint", details.StateOrigin);
            Assert.Contains(path, details.StateOrigin);
            var keys = 0;
            long processed = 0;
            for (var i = 0; i < 3; i++)
            {
                processed += (await cluster.Client.GetGrain<ISubtaskGrain>(SubtaskKey.Of(resumed, "count", i)).GetMetricsAsync()).RecordsIn;
                foreach (var entry in await cluster.Client.GetGrain<ISubtaskGrain>(SubtaskKey.Of(resumed, "count", i)).GetKeyedStateAsync("count", KeyedCountJob.CountPerKey.StateName))
                {
                    Assert.Equal(Records / Keys, long.Parse(entry.Value));
                    keys++;
                }
            }
            Assert.Equal(Keys, keys);
            Assert.InRange(processed, 1, Records - 500); // it went on from the savepoint's offsets
        }
    }

    public void Dispose() => _temp.Dispose();
}
