using GrainFlow.Runtime.Api.State;
using GrainFlow.Runtime.State;

namespace GrainFlow.Runtime.Tests.State.RocksDb;

/// <summary>The native checkpoint primitive: a RocksDB checkpoint of the instance as of the call, with its files listed as shared (SST) or private.</summary>
[Trait("Category", "Unit")]
public sealed class RocksDbNativeCheckpointTests : IDisposable
{
    private readonly RocksDbTestBackends _backends = new();

    [Fact]
    public void ACheckpointHoldsTheStateAsOfTheCallAndListsItsFilesWithSizes()
    {
        using var backend = _backends.Backend(0, 1);
        var counts = backend.GetValueState(new ValueStateDescriptor<long>("count"));
        for (long key = 0; key < 100; key++)
        {
            backend.SetCurrentKey(key);
            counts.Update(key);
        }
        var directory = Path.Combine(_backends.LocalDirectory, "chk-1");

        var checkpoint = backend.TakeNativeCheckpoint(directory);
        for (long key = 100; key < 150; key++)
        {
            backend.SetCurrentKey(key);
            counts.Update(key);
        }

        Assert.Equal(directory, checkpoint.Directory);
        Assert.Contains(checkpoint.Files, f => f.Shared && f.Name.EndsWith(".sst", StringComparison.Ordinal) && f.Bytes > 0);
        Assert.Contains(checkpoint.Files, f => !f.Shared && f.Name.StartsWith("MANIFEST", StringComparison.Ordinal));
        Assert.Contains(checkpoint.Files, f => !f.Shared && f.Name == "CURRENT");
        Assert.All(checkpoint.Files, f => Assert.Equal(new FileInfo(Path.Combine(directory, f.Name)).Length, f.Bytes));
        Assert.Equal(100, RocksDbTestBackends.CountKeys(directory, "count"));

        Assert.Contains("exists already", Assert.Throws<IOException>(() => backend.TakeNativeCheckpoint(directory)).Message);
    }

    public void Dispose() => _backends.Dispose();
}
