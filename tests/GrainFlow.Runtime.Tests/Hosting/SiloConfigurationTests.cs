using GrainFlow.Configuration;
using GrainFlow.Silo.Hosting;
using GrainFlow.Testing.Cluster;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace GrainFlow.Runtime.Tests.Hosting;

[Trait("Category", "Unit")]
public sealed class SiloConfigurationTests : IDisposable
{
    private readonly TemporaryDirectory _temp = new("grainflow-config");

    private static IConfiguration AppSettings(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>($"GrainFlow:{v.Key}", v.Value))).Build();

    [Fact]
    public void DashDBeatsThePropertiesFileWhichBeatsAppSettings()
    {
        var properties = _temp.Combine("application.properties");
        File.WriteAllText(properties, "# Flink style\nexecution.checkpointing.interval= 30s\nparallelism.default = 3\nempty.value=\n");
        var configuration = SiloConfigurationLoader.Load(
            AppSettings(("parallelism.default", "2"), ("pipeline.max-parallelism", "256")),
            ["--properties", properties, "-D", "parallelism.default=4", "-Dgrainflow.network.batch-size=64", "--run", "keyed-count"],
            out var rest, out _);

        Assert.Equal("4", configuration.Values["parallelism.default"]);
        Assert.Equal("256", configuration.Values["pipeline.max-parallelism"]);
        Assert.Equal("30s", configuration.Values["execution.checkpointing.interval"]);
        Assert.Equal("64", configuration.Values["grainflow.network.batch-size"]);
        Assert.False(configuration.Values.ContainsKey("empty.value"));
        Assert.Equal(["--run", "keyed-count"], rest);
    }

    [Fact]
    public void AMalformedPropertiesLineNamesTheFileAndLine()
    {
        var properties = _temp.Combine("bad.properties");
        File.WriteAllText(properties, "ok=1\nthis line has no separator\n");
        var error = Assert.Throws<ConfigurationValueException>(() => SiloConfigurationLoader.Load(AppSettings(), ["--properties", properties], out _, out _));
        Assert.Contains("bad.properties:2", error.Message);
    }

    [Fact]
    public void AMissingPropertiesFileGivenExplicitlyIsAnError()
    {
        var error = Assert.Throws<ConfigurationValueException>(() => SiloConfigurationLoader.Load(AppSettings(), ["--properties", _temp.Combine("nope.properties")], out _, out _));
        Assert.Contains("does not exist", error.Message);
    }

    [Theory]
    [InlineData("grainflow.gateway.port=70000", "'grainflow.gateway.port'")]
    [InlineData("grainflow.cluster.type=zookeeper", "one of LOCALHOST, REDIS")]
    [InlineData("grainflow.storage.type=azure-blob", "grainflow.storage.azure.service-uri")]
    [InlineData("execution.buffer-timeout.interval=fast", "'execution.buffer-timeout.interval'")]
    [InlineData("noequals", "key=value")]
    [InlineData("grainflow.cluster.type=redis", "'grainflow.cluster.redis.connection-string'")]
    [InlineData("grainflow.cluster.type=azure_storage", "with grainflow.cluster.type=AZURE_STORAGE set grainflow.cluster.azure.service-uri")]
    [InlineData("grainflow.cluster.azure.service-uri=http://127.0.0.1:10002/devstoreaccount1", "'grainflow.cluster.azure.service-uri': the service URI must be an absolute https URL")]
    [InlineData("grainflow.storage.azure.grain-state-container=Grain_State", "'grainflow.storage.azure.grain-state-container'")]
    [InlineData("grainflow.cluster.membership.probe-timeout=10 ms", "'grainflow.cluster.membership.probe-timeout'")]
    [InlineData("grainflow.cluster.membership.missed-probes-limit=0", "'grainflow.cluster.membership.missed-probes-limit'")]
    [InlineData("grainflow.cluster.membership.death-votes=none", "'grainflow.cluster.membership.death-votes'")]
    [InlineData("heartbeat.interval=1 ms", "'heartbeat.interval'")]
    [InlineData("heartbeat.timeout=1 s", "must not be shorter than 'heartbeat.interval'")]
    [InlineData("state.checkpoints.dir= s3://my-bucket/checkpoints/", "the scheme 's3' is not supported")]
    [InlineData("\u200bparallelism.default=2", "invisible character")]
    [InlineData("state.backend.rocksdb.memory.fixed-per-slot=100 kb", "'state.backend.rocksdb.memory.fixed-per-slot': give RocksDB at least 1 mb")]
    [InlineData("state.backend.rocksdb.localdir=rocksdb-work", "'state.backend.rocksdb.localdir': the directory must be an absolute local path")]
    public void TheSiloRefusesToStartWithABadValueAndSaysWhichKey(string dynamicProperty, string expected)
    {
        var error = Assert.Throws<ConfigurationValueException>(() => GrainFlowSilo.CreateBuilder(["-D", dynamicProperty], out _, out _));
        Assert.Contains(expected, error.Message);
    }

    [Theory]
    [InlineData("filesystem")]
    [InlineData("FileSystem")]
    [InlineData("jobmanager")]
    public void FlinksLegacyStateBackendNamesStartTheSiloOnTheHeapBackendWithADeprecationWarning(string legacy)
    {
        var properties = _temp.Combine("application.properties");
        File.WriteAllText(properties, $"state.backend.type={legacy}\nstate.checkpoints.num-retained=2\n");

        var configuration = SiloConfigurationLoader.Load(AppSettings(), ["--properties", properties], out _, out var warnings);

        Assert.Equal("hashmap", configuration.Values["state.backend.type"]);
        Assert.Equal("2", configuration.Values["execution.checkpointing.num-retained"]);
        Assert.Contains($"'state.backend.type: {legacy}' is deprecated; GrainFlow uses 'hashmap' instead, as Flink does. Set 'state.backend.type: hashmap'.", warnings);
        Assert.Contains("'state.checkpoints.num-retained' is deprecated; use 'execution.checkpointing.num-retained'.", warnings);
        using var host = GrainFlowSilo.CreateBuilder(["--properties", properties, "-D", "grainflow.silo.port=0", "-D", "grainflow.gateway.port=0"], out _, out _).Build();
    }

    [Fact]
    public void TheMembershipKeysTuneHowSoonACrashedSiloIsDeclaredDead()
    {
        using var host = GrainFlowSilo.CreateBuilder(["-D", "grainflow.cluster.membership.probe-timeout=750 ms", "-D", "grainflow.cluster.membership.missed-probes-limit=2",
            "-D", "grainflow.cluster.membership.death-votes=1", "-D", "grainflow.silo.port=0", "-D", "grainflow.gateway.port=0"], out _, out _).Build();
        var options = host.Services.GetRequiredService<IOptions<ClusterMembershipOptions>>().Value;

        Assert.Equal(TimeSpan.FromMilliseconds(750), options.ProbeTimeout);
        Assert.Equal(2, options.NumMissedProbesLimit);
        Assert.Equal(1, options.NumVotesForDeathDeclaration);
    }

    [Fact]
    public void WithoutMembershipKeysOrleansKeepsItsOwnFailureDetectionDefaults()
    {
        using var host = GrainFlowSilo.CreateBuilder(["-D", "grainflow.silo.port=0", "-D", "grainflow.gateway.port=0"], out _, out _).Build();
        var options = host.Services.GetRequiredService<IOptions<ClusterMembershipOptions>>().Value;
        var defaults = new ClusterMembershipOptions();

        Assert.Equal(defaults.ProbeTimeout, options.ProbeTimeout);
        Assert.Equal(defaults.NumMissedProbesLimit, options.NumMissedProbesLimit);
        Assert.Equal(defaults.NumVotesForDeathDeclaration, options.NumVotesForDeathDeclaration);
    }

    public void Dispose() => _temp.Dispose();
}
