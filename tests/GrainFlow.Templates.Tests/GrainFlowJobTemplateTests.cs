using System.Diagnostics;
using GrainFlow.Testing.Cluster;
using Xunit.Abstractions;

namespace GrainFlow.Templates.Tests;

/// <summary>
/// <c>dotnet new grainflow-job</c> as a user meets it: the libraries and the template packed to a local feed, the
/// template installed into a hive of its own (the machine's templates stay untouched), a project created from it,
/// and its test run against the packed packages.
/// </summary>
[Trait("Category", "Template")]
public sealed class GrainFlowJobTemplateTests(ITestOutputHelper output) : IDisposable
{
    private readonly TemporaryDirectory _directory = new("grainflow-template");

    [Fact]
    public async Task ANewGrainFlowJobProjectBuildsAndItsTestPassesAgainstThePackedPackages()
    {
        var clock = Stopwatch.StartNew();
        var feed = _directory.Combine("feed");
        var hive = _directory.Combine("hive");
        var project = _directory.Combine("Sensors");
        // A version of its own, so neither this feed nor any cache can serve packages of another build.
        var suffix = $"template-test.{Guid.NewGuid():N}";

        await DotnetCli.RunAsync(DotnetCli.RepoRoot, TimeSpan.FromMinutes(5), null,
            "pack", "GrainFlow.Packages.slnf", "--no-build", "-c", DotnetCli.Configuration, "-o", feed, $"-p:VersionSuffix={suffix}");
        var template = Directory.EnumerateFiles(feed, "GrainFlow.Templates.*.nupkg").Single();
        await DotnetCli.RunAsync(_directory.Path, TimeSpan.FromMinutes(2), null, "new", "install", template, "--debug:custom-hive", hive);
        await DotnetCli.RunAsync(_directory.Path, TimeSpan.FromMinutes(2), null, "new", "grainflow-job", "-n", "Sensors", "-o", project, "--debug:custom-hive", hive);
        var packed = clock.Elapsed;

        File.WriteAllText(Path.Combine(project, "nuget.config"), NuGetConfig(feed));
        // Packages go to a folder of this test; the machine's package cache only lends what it already holds.
        var testOutput = await DotnetCli.RunAsync(project, TimeSpan.FromMinutes(8), new Dictionary<string, string> { ["NUGET_PACKAGES"] = _directory.Combine("packages") }, "test");

        Assert.Matches(@"Passed!\s+-\s+Failed:\s+0,\s+Passed:\s+1,", testOutput);
        Assert.True(Directory.Exists(_directory.Combine("packages", "grainflow.runtime")), "the project used the packed GrainFlow.Runtime");
        output.WriteLine($"pack, install and instantiate: {packed.TotalSeconds:0} s; restore, build and test of the new project: {(clock.Elapsed - packed).TotalSeconds:0} s");
    }

    private static string NuGetConfig(string feed) => $"""
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <packageSources>
            <clear />
            <add key="grainflow" value="{feed}" />
            <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
          </packageSources>
          <fallbackPackageFolders>
            <add key="machine" value="{MachinePackages}" />
          </fallbackPackageFolders>
        </configuration>
        """;

    private static string MachinePackages => Environment.GetEnvironmentVariable("NUGET_PACKAGES")
        ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    public void Dispose() => _directory.Dispose();
}
