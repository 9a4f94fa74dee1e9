using System.Runtime;
using GrainFlow.Runtime.Hosting;

namespace GrainFlow.Runtime.Tests.Hosting;

[Trait("Category", "Unit")]
public sealed class GarbageCollectorCheckTests
{
    [Fact]
    public void TheConcurrentWorkstationCollectorOnSeveralCoresGetsAdviceNamingTheProjectSetting()
    {
        var advice = GarbageCollectorCheck.Advice(serverGc: false, GCLatencyMode.Interactive, processors: 2);

        Assert.NotNull(advice);
        Assert.Contains("workstation, concurrent", advice);
        Assert.Contains("<ServerGarbageCollection>true</ServerGarbageCollection>", advice);
        Assert.Contains("DOTNET_gcServer=1", advice);
    }

    [Theory]
    [InlineData(true, GCLatencyMode.Interactive, 2)]
    [InlineData(true, GCLatencyMode.Batch, 8)]
    [InlineData(false, GCLatencyMode.Batch, 2)]
    [InlineData(false, GCLatencyMode.Interactive, 1)]
    public void ServerGcTheNonConcurrentCollectorAndASingleCoreGetNoAdvice(bool serverGc, GCLatencyMode latencyMode, int processors) =>
        Assert.Null(GarbageCollectorCheck.Advice(serverGc, latencyMode, processors));

    [Fact]
    public void TheCollectorIsDescribedByKindAndMode()
    {
        Assert.Equal("server, concurrent", GarbageCollectorCheck.Describe(true, GCLatencyMode.Interactive));
        Assert.Equal("workstation, non-concurrent", GarbageCollectorCheck.Describe(false, GCLatencyMode.Batch));
    }
}
