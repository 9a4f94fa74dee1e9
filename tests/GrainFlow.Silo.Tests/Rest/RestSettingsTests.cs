using GrainFlow.Configuration;
using GrainFlow.Silo.Rest.Endpoints;
using GrainFlow.Silo.Rest.Hosting;
using GrainFlow.Silo.Rest.Http;

namespace GrainFlow.Silo.Tests.Rest;

/// <summary>The REST keys (Flink's names and aliases, defaults) and how program arguments become job settings.</summary>
[Trait("Category", "Unit")]
public sealed class RestSettingsTests
{
    [Fact]
    public void DefaultsAreFlinksPort8081OnLoopbackWithoutTokenOrRoots()
    {
        var options = RestApiOptions.From(GrainFlowConfiguration.Empty);

        Assert.Equal(8081, options.Port);
        Assert.Equal("127.0.0.1", options.BindAddress);
        Assert.True(options.IsLoopback);
        Assert.Null(options.Token);
        Assert.Empty(options.AllowedRoots);
        Assert.False(options.PathPolicy().Enforced);
        Assert.False(options.OrleansDashboard);
    }

    [Fact]
    public void FlinksKeysAndTheirAliasesAreRead()
    {
        var options = RestApiOptions.From(new GrainFlowConfiguration(new Dictionary<string, string>
        {
            ["rest.bind-port"] = "9091",
            ["rest.address"] = "0.0.0.0",
            ["grainflow.rest.token"] = "  0123456789abcdef-secret  ",
            ["grainflow.rest.allowed-roots"] = "/data/savepoints;/data/checkpoints",
            ["grainflow.orleans-dashboard.enabled"] = "true",
        }));

        Assert.Equal(9091, options.Port);
        Assert.True(options.OrleansDashboard);
        Assert.False(options.IsLoopback);
        Assert.Equal("0123456789abcdef-secret", options.Token);
        Assert.Equal(["/data/savepoints", "/data/checkpoints"], options.AllowedRoots);
        Assert.True(options.PathPolicy().Enforced);
    }

    [Fact]
    public void MalformedValuesNameTheirKeys()
    {
        var error = Assert.Throws<ConfigurationValueException>(() => RestApiOptions.From(new GrainFlowConfiguration(new Dictionary<string, string>
        {
            ["rest.port"] = "80000",
            ["rest.bind-address"] = "my-host",
            ["grainflow.rest.token"] = "short",
            ["grainflow.rest.allowed-roots"] = "relative/dir",
            ["grainflow.orleans-dashboard.enabled"] = "yes please",
        })));

        foreach (var key in new[] { "'rest.port'", "'rest.bind-address'", "'grainflow.rest.token'", "'grainflow.rest.allowed-roots'", "'grainflow.orleans-dashboard.enabled'" }) Assert.Contains(key, error.Message);
    }

    [Fact]
    public void ProgramArgumentsInParameterToolAndDashDFormsBecomeSettings()
    {
        var settings = JarEndpoints.ProgramArguments(["--records", "10", "--keys=3", "-Doutput=/tmp/out", "-D", "sink=file", "--verbose", "-p", "-5"]).ToList();

        Assert.Equal(
            [new("records", "10"), new("keys", "3"), new("output", "/tmp/out"), new("sink", "file"), new("verbose", "true"), new("p", "-5")],
            settings);
    }

    [Theory]
    [InlineData("records")]
    [InlineData("--")]
    [InlineData("-")]
    public void AnArgumentInNoKnownFormIsABadRequest(string argument)
    {
        var error = Assert.Throws<RestException>(() => JarEndpoints.ProgramArguments([argument]).ToList());
        Assert.Equal(400, error.StatusCode);
        Assert.Contains($"Invalid program argument \"{argument}\"", error.Message);
    }
}
