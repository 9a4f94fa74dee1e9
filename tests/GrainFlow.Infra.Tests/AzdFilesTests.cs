using System.Text.Json.Nodes;

namespace GrainFlow.Infra.Tests;

/// <summary>infra/main.parameters.json and azure.yaml agree with main.bicep and the repository layout.</summary>
[Trait("Category", "Infra")]
public sealed class AzdFilesTests(CompiledMainTemplate main) : IClassFixture<CompiledMainTemplate>
{
    private static JsonObject ParametersFile() =>
        ArmJson.Parse(File.ReadAllText(Path.Combine(BicepCli.InfraDirectory, "main.parameters.json")))["parameters"]!.AsObject();

    [Fact]
    public void ParametersFile_NamesEveryRequiredParameterOfMainTemplate()
    {
        var required = main.Template["parameters"]!.AsObject()
            .Where(parameter => parameter.Value!["defaultValue"] is null)
            .Select(parameter => parameter.Key)
            .ToList();
        var supplied = ParametersFile();

        Assert.NotEmpty(required);
        Assert.All(required, name => Assert.True(supplied.ContainsKey(name), $"main.parameters.json does not set required parameter '{name}'"));
    }

    [Fact]
    public void ParametersFile_SetsOnlyParametersMainTemplateDeclaresFromAzdVariables()
    {
        var declared = main.Template["parameters"]!.AsObject();

        foreach (var (name, entry) in ParametersFile())
        {
            Assert.True(declared.ContainsKey(name), $"main.parameters.json sets '{name}', which main.bicep does not declare");
            var value = entry!["value"]!.GetValue<string>();
            Assert.True(value.StartsWith("${", StringComparison.Ordinal) && value.EndsWith('}'), $"'{name}' is not an azd variable: {value}");
        }
    }

    [Fact]
    public void AzureYaml_DeclaresTheSiloServiceAsAContainerAppBuiltFromTheSiloProject()
    {
        var lines = File.ReadAllLines(Path.Combine(BicepCli.RepoRoot, "azure.yaml"))
            .Where(line => !line.TrimStart().StartsWith('#'))
            .ToList();
        var silo = lines.FindIndex(line => line == "  silo:");
        Assert.True(silo >= 0, "azure.yaml has no 'silo' service");
        var service = lines.Skip(silo + 1).TakeWhile(line => line.StartsWith("    ", StringComparison.Ordinal))
            .Select(line => line.Trim().Split(':', 2))
            .ToDictionary(pair => pair[0], pair => pair[1].Trim());

        Assert.Equal("./src/Silo/GrainFlow.Silo", service["project"]);
        Assert.Equal("containerapp", service["host"]);
        Assert.True(
            File.Exists(Path.Combine(BicepCli.RepoRoot, "src", "Silo", "GrainFlow.Silo", "GrainFlow.Silo.csproj")),
            "the silo project named in azure.yaml does not exist");
        Assert.Contains(lines, line => line.Trim() == "path: infra");
    }
}
