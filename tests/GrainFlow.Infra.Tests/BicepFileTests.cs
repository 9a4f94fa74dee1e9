namespace GrainFlow.Infra.Tests;

/// <summary>Every .bicep file under infra/ compiles and lints clean with the configured rules (infra/bicepconfig.json).</summary>
[Trait("Category", "Infra")]
public sealed class BicepFileTests
{
    public static TheoryData<string> InfraBicepFiles() => new(BicepCli.InfraBicepFiles());

    [Fact]
    public void InfraFolder_HoldsMainTemplateAndTheAppModules()
    {
        var files = BicepCli.InfraBicepFiles();

        Assert.Contains("main.bicep", files);
        Assert.Contains("app/storage.bicep", files);
        // Azure deployments keep cluster membership in the storage account's table service, not in Redis.
        Assert.DoesNotContain("app/redis.bicep", files);
        Assert.Contains("app/environment.bicep", files);
        Assert.Contains("app/silo.bicep", files);
        Assert.Contains("app/security-storage.bicep", files);
        Assert.True(File.Exists(Path.Combine(BicepCli.InfraDirectory, "bicepconfig.json")), "infra/bicepconfig.json is missing");
    }

    [Theory]
    [MemberData(nameof(InfraBicepFiles))]
    public async Task BicepFile_BuildsToArmJsonWithNoErrorsOrWarnings(string file)
    {
        var result = await BicepCli.RunAsync(BicepCli.InfraDirectory, "build", "--stdout", file);

        Assert.True(result.ExitCode == 0, $"bicep build {file} failed: {result.Describe()}");
        // Diagnostics (errors, warnings and linter findings) are written to stderr.
        Assert.True(result.StandardError.Trim().Length == 0, $"bicep build {file} reported diagnostics: {result.Describe()}");
        var template = ArmJson.Parse(result.StandardOutput);
        Assert.Contains("deploymentTemplate.json", template["$schema"]?.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [MemberData(nameof(InfraBicepFiles))]
    public async Task BicepFile_LintReportsNothing(string file)
    {
        var result = await BicepCli.RunAsync(BicepCli.InfraDirectory, "lint", file);

        Assert.True(result.ExitCode == 0, $"bicep lint {file} failed: {result.Describe()}");
        Assert.True(
            result.StandardOutput.Trim().Length == 0 && result.StandardError.Trim().Length == 0,
            $"bicep lint {file} reported findings: {result.Describe()}");
    }
}
