using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace GrainFlow.Infra.Tests;

/// <summary>Compiles infra/main.bicep once to ARM JSON for <see cref="MainTemplateTests"/>.</summary>
[Trait("Category", "Infra")]
public sealed class CompiledMainTemplate : IAsyncLifetime
{
    public JsonObject Template { get; private set; } = new();

    public IReadOnlyList<ArmResource> Resources { get; private set; } = [];

    public async Task InitializeAsync()
    {
        var result = await BicepCli.RunAsync(BicepCli.InfraDirectory, "build", "--stdout", "main.bicep");
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"bicep build main.bicep failed: {result.Describe()}");
        }

        Template = ArmJson.Parse(result.StandardOutput);
        Resources = ArmJson.Resources(Template);
    }

    public Task DisposeAsync() => Task.CompletedTask;
}

/// <summary>Assertions on the ARM JSON that main.bicep compiles to (modules appear as nested deployments).</summary>
[Trait("Category", "Infra")]
public sealed class MainTemplateTests(CompiledMainTemplate main) : IClassFixture<CompiledMainTemplate>
{
    private const string StorageBlobDataContributorRoleId = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
    private const string StorageTableDataContributorRoleId = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";

    [Fact]
    public void MainTemplate_TargetsTheSubscriptionAndCreatesTheResourceGroup()
    {
        Assert.Contains("subscriptionDeploymentTemplate.json", main.Template["$schema"]!.GetValue<string>(), StringComparison.Ordinal);
        var group = Assert.Single(main.Resources.OfType("Microsoft.Resources/resourceGroups"));
        Assert.Null(group.Deployment);
    }

    [Fact]
    public void MainTemplate_DeclaresTheAzdParametersWithSiloCountDefaultingToTwo()
    {
        var parameters = main.Template["parameters"]!.AsObject();

        foreach (var name in new[] { "environmentName", "location", "principalId", "siloCount", "siloImage" })
        {
            Assert.True(parameters.ContainsKey(name), $"main.bicep has no parameter '{name}'");
        }

        Assert.Equal(2, parameters.At("siloCount", "defaultValue")!.GetValue<int>());
        Assert.Equal(1, parameters.At("siloCount", "minValue")!.GetValue<int>());
        Assert.Equal(string.Empty, parameters.At("principalId", "defaultValue")!.GetValue<string>());
    }

    [Fact]
    public void StorageAccount_AllowsOnlyEntraIdAccessOverTls12WithNoPublicBlobs()
    {
        var account = Assert.Single(main.Resources.OfType("Microsoft.Storage/storageAccounts"));
        var properties = account.Body["properties"]!;

        Assert.False(properties["allowSharedKeyAccess"]!.GetValue<bool>());
        Assert.True(properties["defaultToOAuthAuthentication"]!.GetValue<bool>());
        Assert.False(properties["allowBlobPublicAccess"]!.GetValue<bool>());
        Assert.Equal("TLS1_2", properties["minimumTlsVersion"]!.GetValue<string>());
        Assert.True(properties["supportsHttpsTrafficOnly"]!.GetValue<bool>());
    }

    [Fact]
    public void StorageAccount_DeclaresPrivateGrainstateCheckpointsSavepointsAndTopicsContainers()
    {
        var container = Assert.Single(main.Resources.OfType("Microsoft.Storage/storageAccounts/blobServices/containers"));
        Assert.Equal("None", container.Body.At("properties", "publicAccess")!.GetValue<string>());

        // The container loop iterates over the module's containerNames variable.
        Assert.Contains("variables('containerNames')", container.Body["name"]!.GetValue<string>(), StringComparison.Ordinal);
        var names = container.Deployment!.At("properties", "template", "variables", "containerNames")!.AsArray()
            .Select(node => node!.GetValue<string>());
        Assert.Equal(["grainstate", "checkpoints", "savepoints", "topics"], names);
    }

    [Fact]
    public void SiloContainerApps_AreRepeatedSiloCountTimesWithExactlyOneReplica()
    {
        var app = Assert.Single(main.Resources.OfType("Microsoft.App/containerApps"));

        var copyCount = app.Deployment!.At("copy", "count")!.GetValue<string>();
        Assert.Contains("parameters('siloCount')", copyCount, StringComparison.Ordinal);
        Assert.Equal(1, app.Body.At("properties", "template", "scale", "minReplicas")!.GetValue<int>());
        Assert.Equal(1, app.Body.At("properties", "template", "scale", "maxReplicas")!.GetValue<int>());
        Assert.Equal("UserAssigned", app.Body.At("identity", "type")!.GetValue<string>());
    }

    [Fact]
    public void SiloContainerApp_HasTcpIngressOnTheSiloPortWithGatewayAndRestApiPortMappings()
    {
        var app = Assert.Single(main.Resources.OfType("Microsoft.App/containerApps"));
        var ingress = app.Body.At("properties", "configuration", "ingress")!;

        Assert.Equal("tcp", ingress["transport"]!.GetValue<string>());
        Assert.Equal(11111, ResolveInt(ingress["targetPort"]!, app));
        var targetPorts = ingress["additionalPortMappings"]!.AsArray().Select(mapping => ResolveInt(mapping!["targetPort"]!, app));
        Assert.Equal([30000, 8081], targetPorts);
    }

    /// <summary>An int literal, or the value of the module variable a "[variables('name')]" expression names.</summary>
    private static int ResolveInt(JsonNode node, ArmResource resource)
    {
        if (node.GetValueKind() == System.Text.Json.JsonValueKind.Number)
        {
            return node.GetValue<int>();
        }

        var variable = Regex.Match(node.GetValue<string>(), @"^\[variables\('(?<name>[^']+)'\)\]$");
        Assert.True(variable.Success, $"unexpected expression {node}");
        return resource.Deployment!.At("properties", "template", "variables", variable.Groups["name"].Value)!.GetValue<int>();
    }

    [Theory]
    [InlineData(StorageBlobDataContributorRoleId)]
    [InlineData(StorageTableDataContributorRoleId)]
    public void RoleAssignment_GrantsStorageBlobAndTableDataContributorScopedToTheStorageAccount(string roleId)
    {
        var blobRoleAssignments = main.Resources.OfType("Microsoft.Authorization/roleAssignments")
            .Where(assignment => RoleDefinitionGuid(assignment) == roleId)
            .ToList();

        // One for the silo identity, one (conditional on principalId) for the deploying user.
        Assert.Equal(2, blobRoleAssignments.Count);
        Assert.All(blobRoleAssignments, assignment =>
            Assert.Contains("Microsoft.Storage/storageAccounts", assignment.Body["scope"]!.GetValue<string>(), StringComparison.Ordinal));
        Assert.Single(blobRoleAssignments, assignment => assignment.Body["condition"] is not null);
    }

    /// <summary>The role GUID of an assignment, following a variables('name') reference into its module.</summary>
    private static string? RoleDefinitionGuid(ArmResource assignment)
    {
        var expression = assignment.Body.At("properties", "roleDefinitionId")!.GetValue<string>();
        var variable = Regex.Match(expression, @"variables\('(?<name>[^']+)'\)");
        if (variable.Success)
        {
            return assignment.Deployment?.At("properties", "template", "variables", variable.Groups["name"].Value)?.GetValue<string>();
        }

        return Regex.Match(expression, "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}").Value;
    }

    [Fact]
    public void StorageAccount_HoldsTheOrleansMembershipTableAndNothingDeploysRedis()
    {
        var table = Assert.Single(main.Resources.OfType("Microsoft.Storage/storageAccounts/tableServices/tables"));

        Assert.Contains("OrleansSiloInstances", table.Body["name"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(main.Resources.OfType("Microsoft.Cache/redis"));
        Assert.DoesNotContain(main.Template["parameters"]!.AsObject(), parameter => parameter.Key.StartsWith("redis", StringComparison.Ordinal));
    }

    [Fact]
    public void MainTemplate_OutputsBlobAndTableEndpointsAndSiloAppNames()
    {
        var outputs = main.Template["outputs"]!.AsObject();

        Assert.Equal("string", outputs.At("AZURE_STORAGE_BLOB_ENDPOINT", "type")!.GetValue<string>());
        Assert.Equal("string", outputs.At("AZURE_STORAGE_TABLE_ENDPOINT", "type")!.GetValue<string>());
        Assert.False(outputs.ContainsKey("AZURE_REDIS_HOST"));
        Assert.Equal("array", outputs.At("SILO_APP_NAMES", "type")!.GetValue<string>());
        Assert.Equal("string", outputs.At("AZURE_CONTAINER_REGISTRY_ENDPOINT", "type")!.GetValue<string>());
    }
}
