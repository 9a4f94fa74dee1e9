using GrainFlow.Configuration;
using GrainFlow.Runtime.Configuration;
using GrainFlow.Runtime.Hosting;

namespace GrainFlow.Runtime.Tests.Configuration;

[Trait("Category", "Unit")]
public sealed class ConfigurationNormalizerTests
{
    private static readonly ConfigurationNormalizer Normalizer = new(GrainFlowOptions.KnownOptions, UnsupportedOptions.All);

    private static NormalizedConfiguration Normalize(params (string Key, string Value)[] entries) =>
        Normalizer.Normalize(entries.Select(e => new KeyValuePair<string, string>(e.Key, e.Value)));

    [Theory]
    [InlineData(" execution.checkpointing.dir")]
    [InlineData("execution.checkpointing.dir\t")]
    [InlineData("\u00a0state.checkpoints.dir\r\n")]
    public void EverySpellingOfAKeyEndsUpUnderTheKeyGrainFlowReads(string spelling)
    {
        var normalized = Normalize((spelling, "  /data/checkpoints "));

        Assert.Empty(normalized.Problems);
        Assert.Equal("/data/checkpoints", Assert.Single(normalized.Values).Value);
        Assert.Equal("execution.checkpointing.dir", Assert.Single(normalized.Values).Key);
    }

    [Fact]
    public void TheCurrentKeyWinsOverItsDeprecatedAliasWhicheverComesFirst()
    {
        foreach (var entries in new[]
        {
            new[] { ("state.checkpoints.dir", "/old"), ("execution.checkpointing.dir", "/new") },
            new[] { ("execution.checkpointing.dir", "/new"), ("state.checkpoints.dir", "/old") },
        })
        {
            var normalized = Normalize(entries);
            Assert.Equal("/new", Assert.Single(normalized.Values).Value);
            Assert.Contains(normalized.Warnings, w => w.Contains("'state.checkpoints.dir'", StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("execution.checkpointing\u200b.interval")]
    [InlineData("execution. checkpointing.interval")]
    [InlineData("execution.checkpointing.interval\u0000")]
    [InlineData("   ")]
    public void AKeyWithInvisibleCharactersInsideOrNoKeyAtAllIsAProblem(string key)
    {
        var normalized = Normalize((key, "1 s"));

        Assert.Single(normalized.Problems);
        Assert.Empty(normalized.Values);
        Assert.Throws<ConfigurationValueException>(() => normalized.ThrowIfInvalid());
    }

    [Fact]
    public void EveryMalformedValueIsReportedAtOnceNamingTheKeyTheUserTyped()
    {
        var normalized = Normalize(("state.checkpoints.num-retained", "many"), ("execution.checkpointing.timeout", "-1 s"), ("execution.checkpointing.interval", ""));

        Assert.Equal(3, normalized.Problems.Count);
        Assert.Contains(normalized.Problems, p => p.Contains("'state.checkpoints.num-retained'", StringComparison.Ordinal));
        Assert.Contains(normalized.Problems, p => p.Contains("'execution.checkpointing.timeout'", StringComparison.Ordinal));
        Assert.Contains(normalized.Problems, p => p.Contains("'execution.checkpointing.interval' has no value", StringComparison.Ordinal));
    }

    [Fact]
    public void JobParametersOutsideTheReservedNamespacesPassWithoutWarnings()
    {
        var normalized = Normalize((" records ", "10"), ("topic", "words"));

        Assert.Empty(normalized.Warnings);
        Assert.Empty(normalized.Problems);
        Assert.Equal("10", normalized.Values["records"]);
    }

    [Theory]
    [InlineData("execution.checkpointing.intervall", "execution.checkpointing.interval")]
    [InlineData("restart-strategy.fixed-delay.attempt", "restart-strategy.fixed-delay.attempts")]
    [InlineData("State.Backend.Type", "state.backend.type")]
    public void AnUnknownKeyInAReservedNamespaceWarnsWithTheNearestKnownKey(string typo, string nearest)
    {
        var normalized = Normalize((typo, "x"));

        Assert.Empty(normalized.Problems);
        Assert.Equal($"'{typo}' is not a setting GrainFlow knows and has no effect; did you mean '{nearest}'?", Assert.Single(normalized.Warnings));
    }

    [Fact]
    public void AnUnknownKeyFarFromEveryKnownOneWarnsWithoutASuggestion()
    {
        var warning = Assert.Single(Normalize(("taskmanager.memory.process.size", "4g")).Warnings);

        Assert.Equal("'taskmanager.memory.process.size' is not a setting GrainFlow knows and has no effect.", warning);
    }

    [Theory]
    [InlineData("execution.checkpointing.unaligned.enabled", "true", true)]
    [InlineData("execution.checkpointing.unaligned.enabled", "false", false)]
    [InlineData("execution.checkpointing.file-merging.enabled", "TRUE", true)]
    [InlineData("execution.checkpointing.snapshot-compression", "true", true)]
    public void AnUnsupportedKeyWarnsUnlessItAsksForWhatGrainFlowDoesAnyway(string key, string value, bool warns)
    {
        var normalized = Normalize((key, value));

        Assert.Equal(warns, normalized.Warnings.Any(w => w.Contains("is not supported by GrainFlow yet", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("execution.checkpointing.incremental")]
    [InlineData("state.backend.incremental")]
    public void IncrementalCheckpointsAreASettingGrainFlowReadsAndTheHeapBackendRefusesThem(string key)
    {
        var normalized = Normalize((key, "true"));
        var configuration = new GrainFlowConfiguration(normalized.Values);

        Assert.DoesNotContain(normalized.Warnings, w => w.Contains("not supported", StringComparison.Ordinal));
        Assert.True(configuration.Get(CheckpointingOptions.Incremental));
        Assert.Contains("execution.checkpointing.incremental: incremental checkpoints need state.backend.type=rocksdb (the hashmap state backend takes full checkpoints).",
            GrainFlowOptionsValidator.Problems(configuration, checkStorage: false));
        Assert.Empty(GrainFlowOptionsValidator.Problems(new GrainFlowConfiguration(Normalize((key, "false")).Values), checkStorage: false));
    }

    [Theory]
    [InlineData("execution.state-recovery.from-local")]
    [InlineData("state.backend.local-recovery")]
    public void LocalRecoveryIsASettingGrainFlowReadsUnderFlinksKeyAndItsLegacyOneAndIsOffByDefault(string key)
    {
        var normalized = Normalize((key, "true"));

        Assert.DoesNotContain(normalized.Warnings, w => w.Contains("not supported", StringComparison.Ordinal));
        Assert.True(new GrainFlowConfiguration(normalized.Values).Get(StateRecoveryOptions.FromLocal));
        Assert.False(GrainFlowConfiguration.Empty.Get(StateRecoveryOptions.FromLocal));
    }

    [Fact]
    public void TheAutoWatermarkIntervalIsASupportedSettingNow()
    {
        var normalized = Normalize(("pipeline.auto-watermark-interval", "1 s"));

        Assert.Empty(normalized.Warnings);
        Assert.Empty(normalized.Problems);
    }
}
