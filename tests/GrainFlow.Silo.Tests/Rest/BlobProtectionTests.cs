using System.Net;
using GrainFlow.Jobs;
using GrainFlow.Silo.Examples;
using GrainFlow.Silo.Tests.Fixtures;
using GrainFlow.Testing.Azurite;

namespace GrainFlow.Silo.Tests.Rest;

/// <summary>
/// Savepoints in Azure Blob storage (Azurite) through a protected REST API: the allowed container takes
/// the savepoint and gives it back for disposal; another container is refused and never created.
/// </summary>
[Collection(AzuriteCollection.Name)]
[Trait("Category", "Azurite")]
public sealed class BlobProtectionTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task ASavepointGoesToTheAllowedContainerAndAnotherContainerIsRefusedWithoutBeingCreated()
    {
        var allowed = azurite.NewContainerName("allowed");
        var other = azurite.NewContainerName("other");
        await using var rest = await RestCluster.StartAsync(o =>
        {
            o.BindAddress = "0.0.0.0";
            o.Token = "blob-protection-token-0123456789";
            o.AllowedRoots = [$"azblob://{allowed}/savepoints"];
        }, prefix: "grainflow-rest-blob",
            // Cluster-wide, so that the disposal (which runs outside any job) reaches Azurite too.
            configuration: new Dictionary<string, string> { ["grainflow.storage.azure.connection-string"] = azurite.ConnectionString });
        var jobId = await rest.Cluster.SubmitAsync(KeyedCountJob.Name, new Dictionary<string, string>
        {
            ["records"] = "100000000", ["records-per-second"] = "2000", ["keys"] = "10", ["sink"] = "discard",
        });
        try
        {
            var refused = await rest.Http.PostJsonAsync($"/jobs/{jobId}/savepoints", $$"""{"target-directory": "azblob://{{other}}/savepoints"}""");
            Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
            Assert.Contains("not under an allowed root", refused.Error);
            var sibling = await rest.Http.PostJsonAsync($"/jobs/{jobId}/stop", $$"""{"targetDirectory": "azblob://{{allowed}}/savepoints-2"}""");
            Assert.Equal(HttpStatusCode.BadRequest, sibling.Status);
            Assert.False(await azurite.BlobServiceClient.GetBlobContainerClient(other).ExistsAsync());

            var trigger = await rest.Http.PostJsonAsync($"/jobs/{jobId}/savepoints", $$"""{"target-directory": "azblob://{{allowed}}/savepoints"}""");
            Assert.True(trigger.Status == HttpStatusCode.Accepted, trigger.ToString());
            var operation = await rest.Http.PollCompletedAsync($"/jobs/{jobId}/savepoints/{trigger.Object["request-id"]!.GetValue<string>()}");
            var location = operation["location"]?.GetValue<string>() ?? throw new InvalidOperationException(operation.ToJsonString());
            var folder = location.TrimEnd('/')[(location.TrimEnd('/').LastIndexOf('/') + 1)..];
            Assert.Matches($"^savepoint-{jobId.Value[..6]}-[0-9a-f]{{12}}$", folder);
            Assert.NotNull(await azurite.CreateStore(allowed).GetAsync($"savepoints/{folder}/_metadata"));

            var foreign = await rest.Http.PostJsonAsync("/savepoint-disposal", $$"""{"savepoint-path": "azblob://{{other}}/savepoints/{{folder}}"}""");
            Assert.Equal(HttpStatusCode.BadRequest, foreign.Status);
            Assert.NotNull(await azurite.CreateStore(allowed).GetAsync($"savepoints/{folder}/_metadata"));

            var dispose = await rest.Http.PostJsonAsync("/savepoint-disposal", $$"""{"savepoint-path": "{{location}}"}""");
            Assert.Equal(HttpStatusCode.Accepted, dispose.Status);
            var disposed = await rest.Http.PollCompletedAsync($"/savepoint-disposal/{dispose.Object["request-id"]!.GetValue<string>()}");
            Assert.True(disposed["failure-cause"] is null, disposed.ToJsonString());
            var left = new List<string>();
            await foreach (var blob in azurite.CreateStore(allowed).ListAsync($"savepoints/{folder}/")) left.Add(blob.Key);
            Assert.Empty(left);
        }
        finally
        {
            await rest.Cluster.Job(jobId).CancelAsync();
        }
    }
}
