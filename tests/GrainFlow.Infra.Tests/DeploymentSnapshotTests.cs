using System.Text.Json.Nodes;

namespace GrainFlow.Infra.Tests;

/// <summary>
/// Evaluates main.bicep with `bicep snapshot` (local, offline): copies are expanded and parameters substituted,
/// giving the concrete resources a deployment would create. One snapshot with three silos and a deploying user,
/// one with the defaults plus REST API VNet access and no principalId.
/// </summary>
[Trait("Category", "Infra")]
public sealed class DeploymentSnapshots : IAsyncLifetime
{
    public const string SubscriptionId = "11111111-1111-1111-1111-111111111111";
    public const string UserPrincipalId = "00000000-0000-0000-0000-0000000000aa";

    public JsonObject ThreeSilosWithUser { get; private set; } = new();

    public JsonObject DefaultsWithVnetRestApi { get; private set; } = new();

    public async Task InitializeAsync()
    {
        ThreeSilosWithUser = await SnapshotAsync(
            "three-silos",
            "param siloCount = 3",
            $"param principalId = '{UserPrincipalId}'");
        DefaultsWithVnetRestApi = await SnapshotAsync("defaults", "param restApiVnetAccess = true");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static async Task<JsonObject> SnapshotAsync(string name, params string[] extraParameters)
    {
        var directory = Directory.CreateTempSubdirectory("grainflow-infra-");
        try
        {
            // A .bicepparam must reference its template by a relative path.
            var main = Path.GetRelativePath(directory.FullName, Path.Combine(BicepCli.InfraDirectory, "main.bicep")).Replace('\\', '/');
            string[] lines =
            [
                $"using '{main}'",
                "param environmentName = 'gf-test'",
                "param location = 'westeurope'",
                "param siloImage = 'example.azurecr.io/grainflow/silo:1'",
                .. extraParameters,
            ];
            var parametersFile = Path.Combine(directory.FullName, $"{name}.bicepparam");
            await File.WriteAllLinesAsync(parametersFile, lines);

            var result = await BicepCli.RunAsync(
                directory.FullName,
                "snapshot", parametersFile,
                "--mode", "overwrite",
                "--subscription-id", SubscriptionId,
                "--tenant-id", "22222222-2222-2222-2222-222222222222",
                "--location", "westeurope",
                "--config", Path.Combine(BicepCli.InfraDirectory, "bicepconfig.json"));
            if (result.ExitCode != 0)
            {
                throw new InvalidOperationException($"bicep snapshot {name} failed: {result.Describe()}");
            }

            return ArmJson.Parse(await File.ReadAllTextAsync(Path.Combine(directory.FullName, $"{name}.snapshot.json")));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}

[Trait("Category", "Infra")]
public sealed class DeploymentSnapshotTests(DeploymentSnapshots snapshots) : IClassFixture<DeploymentSnapshots>
{
    private const string StorageBlobDataContributorRoleId = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
    private const string StorageTableDataContributorRoleId = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";

    private static List<JsonObject> Resources(JsonObject snapshot, string type) =>
        snapshot["predictedResources"]!.AsArray().OfType<JsonObject>()
            .Where(resource => resource["type"]!.GetValue<string>() == type)
            .ToList();

    private static List<JsonObject> SiloApps(JsonObject snapshot) =>
        Resources(snapshot, "Microsoft.App/containerApps").OrderBy(app => app["name"]!.GetValue<string>(), StringComparer.Ordinal).ToList();

    private static Dictionary<string, JsonObject> Env(JsonObject app) =>
        app.At("properties", "template", "containers")!.AsArray().Single()!["env"]!.AsArray().OfType<JsonObject>()
            .ToDictionary(variable => variable["name"]!.GetValue<string>());

    private static string Str(JsonNode? node) => node!.GetValue<string>();

    private static int Int(JsonNode? node) => node!.GetValue<int>();

    [Fact]
    public void Snapshot_IsFreeOfDiagnostics()
    {
        Assert.Empty(snapshots.ThreeSilosWithUser["diagnostics"]!.AsArray());
        Assert.Empty(snapshots.DefaultsWithVnetRestApi["diagnostics"]!.AsArray());
    }

    [Fact]
    public void Snapshot_DeploysOneSingleReplicaContainerAppPerSilo()
    {
        var three = SiloApps(snapshots.ThreeSilosWithUser);
        var defaults = SiloApps(snapshots.DefaultsWithVnetRestApi);

        Assert.Equal(3, three.Count);
        Assert.Equal(2, defaults.Count);
        Assert.All(three.Concat(defaults), app =>
        {
            Assert.Equal(1, Int(app.At("properties", "template", "scale", "minReplicas")));
            Assert.Equal(1, Int(app.At("properties", "template", "scale", "maxReplicas")));
        });
        Assert.Equal(3, three.Select(app => Str(app["name"])).Distinct().Count());
        Assert.All(three, app => Assert.StartsWith("ca-silo-", Str(app["name"]), StringComparison.Ordinal));
    }

    [Fact]
    public void Snapshot_EachSiloAdvertisesItsOwnSiloAndGatewayPortOnTheEnvironmentStaticIp()
    {
        var apps = SiloApps(snapshots.ThreeSilosWithUser);

        for (var i = 0; i < apps.Count; i++)
        {
            var ingress = apps[i].At("properties", "configuration", "ingress")!;
            var gateway = ingress["additionalPortMappings"]!.AsArray().Single(mapping => Int(mapping!["targetPort"]) == 30000)!;
            var env = Env(apps[i]);

            Assert.Equal("tcp", Str(ingress["transport"]));
            Assert.Equal(11111, Int(ingress["targetPort"]));
            Assert.Equal(11111 + i, Int(ingress["exposedPort"]));
            Assert.Equal(30000 + i, Int(gateway["exposedPort"]));
            Assert.Equal((11111 + i).ToString(), Str(env["GrainFlow__grainflow.cluster.advertised-silo-port"]["value"]));
            Assert.Equal((30000 + i).ToString(), Str(env["GrainFlow__grainflow.cluster.advertised-gateway-port"]["value"]));
            Assert.Contains("Microsoft.App/managedEnvironments/", Str(env["GrainFlow__grainflow.cluster.advertised-ip"]["value"]), StringComparison.Ordinal);
            Assert.EndsWith(".staticIp]", Str(env["GrainFlow__grainflow.cluster.advertised-ip"]["value"]), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Snapshot_SilosGetBlobStorageAzureTableClusteringAndTheirIdentityThroughEnvironmentVariablesWithoutSecrets()
    {
        foreach (var app in SiloApps(snapshots.ThreeSilosWithUser))
        {
            var env = Env(app);

            Assert.Equal("azure-blob", Str(env["GrainFlow__grainflow.storage.type"]["value"]));
            Assert.Contains("Microsoft.Storage/storageAccounts/", Str(env["GrainFlow__grainflow.storage.azure.service-uri"]["value"]), StringComparison.Ordinal);
            Assert.EndsWith(".primaryEndpoints.blob]", Str(env["GrainFlow__grainflow.storage.azure.service-uri"]["value"]), StringComparison.Ordinal);
            Assert.Equal("azure-storage", Str(env["GrainFlow__grainflow.cluster.type"]["value"]));
            Assert.Contains("Microsoft.Storage/storageAccounts/", Str(env["GrainFlow__grainflow.cluster.azure.service-uri"]["value"]), StringComparison.Ordinal);
            Assert.EndsWith(".primaryEndpoints.table]", Str(env["GrainFlow__grainflow.cluster.azure.service-uri"]["value"]), StringComparison.Ordinal);
            Assert.EndsWith(".clientId]", Str(env["AZURE_CLIENT_ID"]["value"]), StringComparison.Ordinal);
            Assert.Contains("Microsoft.ManagedIdentity/userAssignedIdentities/", Str(env["AZURE_CLIENT_ID"]["value"]), StringComparison.Ordinal);

            // The silo identity signs in to blobs and the table: no key or connection string reaches the app.
            Assert.DoesNotContain(env.Keys, key => key.Contains("redis", StringComparison.Ordinal) || key.Contains("connection-string", StringComparison.Ordinal));
            Assert.Null(app.At("properties", "configuration", "secrets"));
        }
        Assert.Empty(Resources(snapshots.ThreeSilosWithUser, "Microsoft.Cache/redis"));
    }

    [Fact]
    public void Snapshot_RestApiIsReachableOnlyInsideTheEnvironmentUnlessVnetAccessIsRequested()
    {
        static JsonNode RestApi(JsonObject app) =>
            app.At("properties", "configuration", "ingress", "additionalPortMappings")!.AsArray()
                .Single(mapping => Int(mapping!["targetPort"]) == 8081)!;

        Assert.All(SiloApps(snapshots.ThreeSilosWithUser), app =>
        {
            Assert.False(RestApi(app)["external"]!.GetValue<bool>());
            Assert.Equal(8081, Int(RestApi(app)["exposedPort"]));
        });

        // Ports exposed on the environment's static IP must be unique per app.
        var vnetApps = SiloApps(snapshots.DefaultsWithVnetRestApi);
        Assert.All(vnetApps, app => Assert.True(RestApi(app)["external"]!.GetValue<bool>()));
        Assert.Equal([8081, 8082], vnetApps.Select(app => Int(RestApi(app)["exposedPort"])));
    }

    [Fact]
    public void Snapshot_ContainerAppsEnvironmentIsInternalOnADelegatedSubnet()
    {
        var environment = Assert.Single(Resources(snapshots.ThreeSilosWithUser, "Microsoft.App/managedEnvironments"));
        var network = Assert.Single(Resources(snapshots.ThreeSilosWithUser, "Microsoft.Network/virtualNetworks"));

        Assert.True(environment.At("properties", "vnetConfiguration", "internal")!.GetValue<bool>());
        var subnet = network.At("properties", "subnets")!.AsArray().Single()!;
        Assert.Equal("Microsoft.App/environments", Str(subnet.At("properties", "delegations")!.AsArray().Single().At("properties", "serviceName")));
        Assert.EndsWith($"/subnets/{Str(subnet["name"])}", Str(environment.At("properties", "vnetConfiguration", "infrastructureSubnetId")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(StorageBlobDataContributorRoleId)]
    [InlineData(StorageTableDataContributorRoleId)]
    public void Snapshot_GrantsBlobAndTableDataContributorOnTheStorageAccountToTheSiloIdentityAndTheDeployingUser(string roleId)
    {
        var account = Assert.Single(Resources(snapshots.ThreeSilosWithUser, "Microsoft.Storage/storageAccounts"));
        var assignments = RoleAssignments(snapshots.ThreeSilosWithUser, roleId);

        Assert.Equal(2, assignments.Count);
        Assert.All(assignments, assignment =>
            Assert.StartsWith($"{Str(account["id"])}/providers/Microsoft.Authorization/roleAssignments/", Str(assignment["id"]), StringComparison.Ordinal));
        var identity = Assert.Single(assignments, assignment => Str(assignment.At("properties", "principalType")) == "ServicePrincipal");
        Assert.Contains("Microsoft.ManagedIdentity/userAssignedIdentities/", Str(identity.At("properties", "principalId")), StringComparison.Ordinal);
        var user = Assert.Single(assignments, assignment => Str(assignment.At("properties", "principalType")) == "User");
        Assert.Equal(DeploymentSnapshots.UserPrincipalId, Str(user.At("properties", "principalId")));
    }

    [Theory]
    [InlineData(StorageBlobDataContributorRoleId)]
    [InlineData(StorageTableDataContributorRoleId)]
    public void Snapshot_WithoutPrincipalId_GrantsBlobAndTableDataContributorOnlyToTheSiloIdentity(string roleId)
    {
        var assignment = Assert.Single(RoleAssignments(snapshots.DefaultsWithVnetRestApi, roleId));
        Assert.Equal("ServicePrincipal", Str(assignment.At("properties", "principalType")));
    }

    [Fact]
    public void Snapshot_OutputsNameEverySiloAppAndOnlyTheFirstCarriesTheAzdServiceTag()
    {
        var apps = SiloApps(snapshots.ThreeSilosWithUser);
        var names = snapshots.ThreeSilosWithUser.At("outputs", "SILO_APP_NAMES")!.AsArray().Select(Str);

        Assert.Equal(apps.Select(app => Str(app["name"])), names);
        var tagged = Assert.Single(apps, app => app.At("tags", "azd-service-name") is not null);
        Assert.Same(apps[0], tagged);
        Assert.Equal("silo", Str(tagged.At("tags", "azd-service-name")));
    }

    private static List<JsonObject> RoleAssignments(JsonObject snapshot, string roleId) =>
        Resources(snapshot, "Microsoft.Authorization/roleAssignments")
            .Where(assignment => Str(assignment.At("properties", "roleDefinitionId"))
                .EndsWith($"/roleDefinitions/{roleId}", StringComparison.Ordinal))
            .ToList();
}
