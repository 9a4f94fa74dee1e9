using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using GrainFlow.Silo.Examples;
using GrainFlow.Testing.Azurite;
using GrainFlow.Testing.Cluster;
using GrainFlow.Testing.Polling;
using GrainFlow.Testing.Processes;

namespace GrainFlow.Silo.Tests.Hosting;

/// <summary>
/// Blob storage reached as on Azure: by its service URI (<c>grainflow.storage.azure.service-uri</c>, no
/// connection string), signed in with <c>DefaultAzureCredential</c>. Azurite serves https with OAuth; the
/// silo process signs in through a stand-in of App Service's managed identity endpoint and trusts
/// Azurite's certificate through SSL_CERT_FILE, so the production code path runs unchanged.
/// </summary>
[Trait("Category", "Azurite")]
public sealed class AzureServiceUriStorageTests(OAuthAzuriteFixture azurite) : IClassFixture<OAuthAzuriteFixture>, IDisposable
{
    private readonly TemporaryDirectory _directory = new("grainflow-service-uri");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task ASiloSignedInWithDefaultAzureCredentialKeepsJobRecordsAsOrleansBlobsAndCheckpointsAtTheServiceUri()
    {
        var dataContainer = azurite.NewContainerName("data");
        var grainStateContainer = azurite.NewContainerName("grainstate");
        await using var identity = ManagedIdentityEndpoint.Start();
        await using var silo = await SiloProcess.StartAsync(_directory.Path, new Dictionary<string, string>(identity.Environment.Concat(azurite.TrustEnvironment)),
            "-Dgrainflow.storage.type=AZURE_BLOB", $"-Dgrainflow.storage.azure.service-uri={azurite.BlobEndpoint}",
            $"-Dgrainflow.storage.azure.container={dataContainer}", $"-Dgrainflow.storage.azure.grain-state-container={grainStateContainer}");
        using var http = new HttpClient { BaseAddress = silo.RestAddress };

        using var run = await http.PostAsync($"/v1/jars/{KeyedCountJob.Name}/run", new StringContent(
            """{"programArgsList": ["--records", "100000000", "--records-per-second", "2000", "--sink", "discard"], "flinkConfiguration": {"execution.checkpointing.interval": "100 ms", "execution.checkpointing.externalized-checkpoint-retention": "RETAIN_ON_CANCELLATION"}}""",
            Encoding.UTF8, "application/json"));
        var body = await run.Content.ReadAsStringAsync();
        Assert.True(run.StatusCode == HttpStatusCode.OK, body + silo.Output);
        var jobId = JsonNode.Parse(body)!["jobid"]!.GetValue<string>();
        await Poll.UntilAsync(async () => JsonNode.Parse(await http.GetStringAsync($"/jobs/{jobId}/checkpoints"))!["counts"]!["completed"]!.GetValue<long>() >= 1,
            $"a checkpoint of job {jobId} completed", TimeSpan.FromMinutes(2), () => silo.Output);
        using var cancel = await http.PatchAsync($"/jobs/{jobId}?mode=cancel", null);
        Assert.True(cancel.IsSuccessStatusCode, await cancel.Content.ReadAsStringAsync());
        await Poll.UntilAsync(async () => JsonNode.Parse(await http.GetStringAsync($"/jobs/{jobId}"))!["state"]!.GetValue<string>() == "CANCELED",
            $"job {jobId} canceled", TimeSpan.FromMinutes(1), () => silo.Output);

        // The job record: Orleans' blob grain storage, <state name>-<grain id>.json.
        var grainState = azurite.BlobServiceClient.GetBlobContainerClient(grainStateContainer);
        Assert.Contains(grainState.GetBlobs(), b => b.Name.StartsWith("job-", StringComparison.Ordinal) && b.Name.EndsWith($"{jobId}.json", StringComparison.Ordinal));
        // The checkpoint the cancellation retained, in the data container of the same account.
        var data = azurite.BlobServiceClient.GetBlobContainerClient(dataContainer);
        Assert.Contains(data.GetBlobs(), b => b.Name.StartsWith($"checkpoints/{jobId}/chk-", StringComparison.Ordinal) && b.Name.EndsWith("/_metadata", StringComparison.Ordinal));
        // The silo signed in as the managed identity, for Azure Storage (Azurite refuses anonymous writes).
        Assert.NotEmpty(identity.Resources);
        Assert.All(identity.Resources, resource => Assert.Equal("https://storage.azure.com", resource));
    }
}
