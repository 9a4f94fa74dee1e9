using GrainFlow.Configuration;
using GrainFlow.Runtime.Configuration;

namespace GrainFlow.Runtime.Tests.Configuration;

[Trait("Category", "Unit")]
public sealed class ConfigurationParsingTests
{
    [Theory]
    [InlineData("30s", 30_000)]
    [InlineData("30 s", 30_000)]
    [InlineData("10 min", 600_000)]
    [InlineData("10min", 600_000)]
    [InlineData("30000", 30_000)]
    [InlineData("250 ms", 250)]
    [InlineData("1 h", 3_600_000)]
    [InlineData("2 DAYS", 172_800_000)]
    [InlineData("5 seconds", 5_000)]
    public void DurationsFollowFlinksSyntaxWithBareNumbersAsMilliseconds(string text, long expectedMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), DurationParser.Parse(text));

    [Fact]
    public void AnUnknownDurationUnitIsReportedWithFlinksMessage()
    {
        var error = Assert.Throws<FormatException>(() => DurationParser.Parse("30 parsecs"));
        Assert.Equal("Time interval unit label 'parsecs' does not match any of the recognized units.", error.Message);
    }

    [Theory]
    [InlineData("64 mb", 64L << 20)]
    [InlineData("1gb", 1L << 30)]
    [InlineData("512", 512)]
    public void MemorySizesAcceptFlinksUnits(string text, long expected) => Assert.Equal(expected, MemorySizeParser.Parse(text));

    [Fact]
    public void AMalformedValueNamesTheKeyTheValueAndTheAcceptedForms()
    {
        var configuration = new GrainFlowConfiguration([new("execution.buffer-timeout.interval", "soon")]);
        var error = Assert.Throws<ConfigurationValueException>(() => configuration.Get(PipelineOptions.BufferTimeout));
        Assert.Contains("'execution.buffer-timeout.interval'", error.Message);
        Assert.Contains("'soon'", error.Message);
        Assert.Contains("a bare number means milliseconds", error.Message);
    }

    [Fact]
    public void AnOutOfRangeValueSaysWhatIsAllowed()
    {
        var configuration = new GrainFlowConfiguration([new("parallelism.default", "0")]);
        var error = Assert.Throws<ConfigurationValueException>(() => configuration.Get(PipelineOptions.DefaultParallelism));
        Assert.Contains("'parallelism.default'", error.Message);
        Assert.Contains("from 1 to 32768", error.Message);
    }

    [Fact]
    public void ADeprecatedKeyIsStillReadAndErrorsNameTheKeyTheUserWrote()
    {
        var configuration = new GrainFlowConfiguration([new("execution.buffer-timeout", "5 ms")]);
        Assert.Equal(TimeSpan.FromMilliseconds(5), configuration.Get(PipelineOptions.BufferTimeout));
        var bad = new GrainFlowConfiguration([new("execution.buffer-timeout", "x")]);
        Assert.Contains("'execution.buffer-timeout'", Assert.Throws<ConfigurationValueException>(() => bad.Get(PipelineOptions.BufferTimeout)).Message);
    }

    [Fact]
    public void EnumsAcceptFlinkSpellingInAnyCase()
    {
        Assert.Equal(StorageType.AzureBlob, new GrainFlowConfiguration([new("grainflow.storage.type", "AZURE_BLOB")]).Get(StorageOptions.Type));
        Assert.Equal(StorageType.AzureBlob, new GrainFlowConfiguration([new("grainflow.storage.type", "azure-blob")]).Get(StorageOptions.Type));
        var error = Assert.Throws<ConfigurationValueException>(() => new GrainFlowConfiguration([new("grainflow.storage.type", "s3")]).Get(StorageOptions.Type));
        Assert.Contains("one of FILE, AZURE_BLOB", error.Message);
    }

    [Fact]
    public void AzureStorageWithoutAnEndpointIsRejectedNamingTheKeysToSet()
    {
        var configuration = new GrainFlowConfiguration([new("grainflow.storage.type", "azure-blob")]);
        var error = Assert.Throws<ConfigurationValueException>(() => StorageOptions.CreateStore(configuration));
        Assert.Contains("grainflow.storage.azure.service-uri", error.Message);
        Assert.Contains("grainflow.storage.azure.connection-string", error.Message);
    }

    [Fact]
    public void ValidateReportsEveryBadKeyAtOnce()
    {
        var configuration = new GrainFlowConfiguration([new("parallelism.default", "many"), new("grainflow.network.batch-size", "-3"), new("unrelated.key", "anything")]);
        var problems = configuration.Validate(PipelineOptions.All);
        Assert.Equal(2, problems.Count);
    }

    [Fact]
    public void TheAutoWatermarkIntervalDefaultsToFlinks200MsTakesZeroToTurnPeriodicWatermarksOffAndRefusesANegativeOne()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(200), GrainFlowConfiguration.Empty.Get(PipelineOptions.AutoWatermarkInterval));
        Assert.Equal(TimeSpan.Zero, new GrainFlowConfiguration([new("pipeline.auto-watermark-interval", "0")]).Get(PipelineOptions.AutoWatermarkInterval));
        Assert.Equal(TimeSpan.FromSeconds(1), new GrainFlowConfiguration([new("pipeline.auto-watermark-interval", "1 s")]).Get(PipelineOptions.AutoWatermarkInterval));

        var bad = new GrainFlowConfiguration([new("pipeline.auto-watermark-interval", "-200 ms")]);
        var error = Assert.Single(bad.Validate(PipelineOptions.All));
        Assert.Contains("pipeline.auto-watermark-interval", error);
    }
}
