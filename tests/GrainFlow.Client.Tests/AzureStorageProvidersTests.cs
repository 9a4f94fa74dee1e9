using System.Text.Json.Nodes;
using Azure.Data.Tables;
using GrainFlow.Client.Commands;
using GrainFlow.Testing.Azurite;
using GrainFlow.Testing.Cluster;
using GrainFlow.Testing.Polling;
using GrainFlow.Testing.Processes;

namespace GrainFlow.Client.Tests;

/// <summary>
/// A silo process on the official Orleans Azure Storage providers in Azurite: membership in the table
/// service (<c>grainflow.cluster.type=AZURE_STORAGE</c>), grain state in blobs (<c>grainflow.storage.type=AZURE_BLOB</c>),
/// and the <c>grainflow</c> CLI finding the gateway through the same table.
/// </summary>
[Collection(AzuriteCollection.Name)]
[Trait("Category", "Azurite")]
public sealed class AzureStorageProvidersTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TemporaryDirectory _directory = new("grainflow-azure-providers");
    private readonly string _clusterId = $"azure-{Guid.NewGuid():N}"[..20];
    private readonly string _dataContainer = azurite.NewContainerName("data");
    private readonly string _grainStateContainer = azurite.NewContainerName("grainstate");

    public void Dispose() => _directory.Dispose();

    private string[] SiloSettings =>
    [
        "-Dgrainflow.cluster.type=AZURE_STORAGE", $"-Dgrainflow.cluster.azure.connection-string={azurite.ConnectionString}", $"-Dgrainflow.cluster.id={_clusterId}",
        "-Dgrainflow.storage.type=AZURE_BLOB", $"-Dgrainflow.storage.azure.connection-string={azurite.ConnectionString}",
        $"-Dgrainflow.storage.azure.container={_dataContainer}", $"-Dgrainflow.storage.azure.grain-state-container={_grainStateContainer}",
    ];

    private Task<(int ExitCode, string[] Stdout, string Stderr)> GrainflowAsync(params string[] args) =>
        GrainFlowCli.RunConnectedAsync(_directory.Path, ["--azure-table", azurite.ConnectionString, "--cluster-id", _clusterId], null, args);

    [Fact]
    public async Task A_silo_joins_through_the_azure_table_the_cli_finds_it_there_and_job_records_live_on_as_orleans_blobs_across_a_restart()
    {
        string jobId;
        await using (var silo = await SiloProcess.StartAsync(_directory.Path, SiloSettings))
        {
            var members = await MembershipRowsAsync();
            Assert.Contains(members, m => m.GetString("Status") == "Active" && m.GetString("ProxyPort") == silo.GatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture));

            var run = await GrainflowAsync("run", "keyed-count", "-D", "records=100000000", "-D", "records-per-second=100", "-D", "sink=discard");
            Assert.True(run.ExitCode == ExitCodes.Success, run.Stderr + silo.Output);
            jobId = run.Stdout[0][^32..];

            // Orleans' layout: <state name>-<grain id>.json in the grain-state container, as JSON.
            var container = azurite.BlobServiceClient.GetBlobContainerClient(_grainStateContainer);
            string? jobBlob = null;
            await Poll.UntilAsync(() => (jobBlob = container.GetBlobs().Select(b => b.Name).FirstOrDefault(n => n.StartsWith("job-", StringComparison.Ordinal) && n.EndsWith($"{jobId}.json", StringComparison.Ordinal))) is not null,
                "the job record blob job-<grain id>.json", detail: () => string.Join(", ", container.GetBlobs().Select(b => b.Name)));
            var record = JsonNode.Parse((await container.GetBlobClient(jobBlob).DownloadContentAsync()).Value.Content.ToString());
            Assert.IsType<JsonObject>(record);
            Assert.Contains(container.GetBlobs(), b => b.Name.StartsWith("registry-", StringComparison.Ordinal) && b.Name.EndsWith(".json", StringComparison.Ordinal));
            // Nothing in the layout of the former hand-written provider.
            Assert.Empty(await azurite.CreateStore(_dataContainer).ListAsync("grainstate/").ToListAsync());

            Assert.Equal(0, await silo.StopGracefullyAsync(TimeSpan.FromMinutes(1)));
        }

        await using (var silo = await SiloProcess.StartAsync(_directory.Path, SiloSettings))
        {
            var list = await GrainflowAsync("list", "-a");
            Assert.True(list.ExitCode == ExitCodes.Success, list.Stderr + silo.Output);
            Assert.Contains(list.Stdout, line => line.Contains(jobId, StringComparison.Ordinal));
            var cancel = await GrainflowAsync("cancel", jobId);
            Assert.True(cancel.ExitCode == ExitCodes.Success, cancel.Stderr);
        }
    }

    [Fact]
    public async Task A_silo_finding_grain_state_of_the_former_blob_provider_refuses_to_start_says_how_to_migrate_and_keeps_it()
    {
        const string formerKey = "grainstate/registry/%25/registry.json";
        var data = azurite.CreateStore(_dataContainer);
        await data.PutAsync(formerKey, """{"Jobs":{}}"""u8.ToArray());

        var (exitCode, output) = await SiloProcess.RunToExitAsync(_directory.Path, SiloSettings);

        Assert.NotEqual(0, exitCode);
        Assert.Contains($"Grain state of an earlier GrainFlow version was found at {data.Location}/{formerKey}", output);
        Assert.Contains("stop each job with a savepoint", output);
        Assert.NotNull(await data.GetAsync(formerKey));
        Assert.Empty(await MembershipRowsAsync(activeOnly: true));
    }

    private async Task<List<TableEntity>> MembershipRowsAsync(bool activeOnly = false)
    {
        var table = new TableServiceClient(azurite.ConnectionString).GetTableClient("OrleansSiloInstances");
        var rows = new List<TableEntity>();
        try
        {
            await foreach (var row in table.QueryAsync<TableEntity>($"DeploymentId eq '{_clusterId}'"))
            {
                if (row.GetString("Status") is { } status && (!activeOnly || status == "Active")) rows.Add(row);
            }
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404)
        {
            // No silo ever wrote the table.
        }
        return rows;
    }
}
