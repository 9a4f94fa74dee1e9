using GrainFlow.Configuration;
using GrainFlow.Runtime.Api.State;
using GrainFlow.Runtime.State;
using GrainFlow.Runtime.State.RocksDb;

namespace GrainFlow.Runtime.Tests.State.RocksDb;

/// <summary>
/// The write cache in front of RocksDB: reads see its writes and deletions before RocksDB does, a flush writes what
/// changed since the last one, and everything that reads RocksDB otherwise (a snapshot, a native checkpoint, an
/// iteration) sees every write made before it.
/// </summary>
[Trait("Category", "Unit")]
public sealed class RocksDbWriteCacheTests : IDisposable
{
    private static readonly byte[] K1 = [1, 1], K2 = [1, 2], K3 = [2, 1];
    private readonly RocksDbTestBackends _backends = new();

    [Fact]
    public void ReadsSeeCachedWritesAndDeletionsThatRocksDbGetsOnlyWhenFlushed()
    {
        using var instance = new RocksDbInstance(_backends.Options);
        var column = instance.Column("state");
        instance.Db.Put(K3, new byte[] { 30 }, column, RocksDbInstance.NoWal);
        var cache = new RocksDbWriteCache(1 << 20, 1 << 18);

        cache.Put(column, K1, [10]);
        cache.Put(column, K2, [20]);
        cache.Delete(column, K3);
        cache.Put(column, K1, [11]);

        Assert.True(cache.TryGet(column, K1, out var k1));
        Assert.Equal([11], k1);
        Assert.True(cache.TryGet(column, K3, out var k3));
        Assert.Null(k3);
        Assert.Null(instance.Db.Get(K1, column));
        Assert.Equal([30], instance.Db.Get(K3, column));

        cache.FlushTo(instance.Db, RocksDbInstance.NoWal);

        Assert.Equal([11], instance.Db.Get(K1, column));
        Assert.Equal([20], instance.Db.Get(K2, column));
        Assert.Null(instance.Db.Get(K3, column));
        Assert.Equal(0, cache.DirtyBytes);
        // Flushed entries stay for reads.
        Assert.True(cache.TryGet(column, K2, out var k2));
        Assert.Equal([20], k2);
    }

    [Fact]
    public void AFlushWritesOnlyWhatChangedSinceTheLastFlush()
    {
        using var instance = new RocksDbInstance(_backends.Options);
        var column = instance.Column("state");
        var cache = new RocksDbWriteCache(1 << 20, 1 << 18);
        cache.Put(column, K1, [10]);
        cache.FlushTo(instance.Db, RocksDbInstance.NoWal);
        // Changed behind the cache's back: a second flush that rewrote K1 would put 10 back.
        instance.Db.Put(K1, new byte[] { 99 }, column, RocksDbInstance.NoWal);

        cache.Put(column, K2, [20]);
        Assert.Equal(K2.Length + 1, cache.DirtyBytes);
        cache.FlushTo(instance.Db, RocksDbInstance.NoWal);

        Assert.Equal([99], instance.Db.Get(K1, column));
        Assert.Equal([20], instance.Db.Get(K2, column));
    }

    [Fact]
    public void TooManyDirtyBytesAskForAFlushAndACacheOverItsCapacityIsEmptiedByIt()
    {
        using var instance = new RocksDbInstance(_backends.Options);
        var column = instance.Column("state");
        var cache = new RocksDbWriteCache(capacityBytes: 4 * (RocksDbWriteCache.EntryOverheadBytes + 12), dirtyBytes: 20);

        cache.Put(column, K1, new byte[10]);
        Assert.False(cache.NeedsFlush);
        // The same key again, same size: written over, counted once.
        cache.Put(column, K1, new byte[10]);
        Assert.Equal((12L, 12L + RocksDbWriteCache.EntryOverheadBytes), (cache.DirtyBytes, cache.Bytes));
        cache.Put(column, K2, new byte[10]);
        Assert.True(cache.NeedsFlush);
        cache.FlushTo(instance.Db, RocksDbInstance.NoWal);
        Assert.False(cache.NeedsFlush);
        Assert.True(cache.TryGet(column, K1, out _));

        foreach (var key in new byte[][] { [3, 1], [3, 2], [3, 3] })
        {
            cache.Put(column, key, new byte[10]);
            cache.FlushTo(instance.Db, RocksDbInstance.NoWal);
        }

        Assert.False(cache.TryGet(column, K1, out _));
        Assert.Equal(0, cache.Bytes);
        Assert.Equal(10, instance.Db.Get([3, 3], column)!.Length);
    }

    [Fact]
    public void SnapshotsCheckpointsAndIterationsSeeEveryWriteMadeBeforeThem()
    {
        using var backend = _backends.Backend(0, 1);
        var counts = backend.GetValueState(new ValueStateDescriptor<long>("count"));
        var map = backend.GetMapState(new MapStateDescriptor<string, long>("map"));
        for (long key = 0; key < 50; key++)
        {
            backend.SetCurrentKey(key);
            counts.Update(key);
            map.Put("a", key);
        }
        backend.SetCurrentKey(7);
        counts.Clear();
        map.Put("b", 70);

        var captured = backend.CaptureSnapshot();
        backend.SetCurrentKey(8);
        counts.Update(800);

        var countsAtCapture = captured.Single(t => t.Name == "count").UntypedEntries.ToDictionary(e => (long)e.Key, e => (long)e.Value!);
        Assert.Equal(49, countsAtCapture.Count);
        Assert.DoesNotContain(7L, countsAtCapture.Keys);
        Assert.Equal(8, countsAtCapture[8]);
        backend.SetCurrentKey(7);
        Assert.Equal([("a", 7L), ("b", 70L)], map.Entries.Select(e => (e.Key, e.Value)).Order());
        Assert.Equal(0, counts.Value);

        var checkpoint = backend.TakeNativeCheckpoint(Path.Combine(_backends.LocalDirectory, "chk-1"));
        Assert.Equal(49, RocksDbTestBackends.CountKeys(checkpoint.Directory, "count"));
        foreach (var snapshot in captured.OfType<IDisposable>()) snapshot.Dispose();
    }

    [Fact]
    public void AWriteAfterAReadOfTheSameKeyInAnotherStateGoesToThatState()
    {
        using var instance = new RocksDbInstance(_backends.Options);
        var (first, second) = (instance.Column("first"), instance.Column("second"));
        var cache = new RocksDbWriteCache(1 << 20, 1 << 18);
        cache.Put(first, K1, [10]);

        Assert.True(cache.TryGet(first, K1, out _));
        cache.Put(second, K1, [20]);

        Assert.True(cache.TryGet(first, K1, out var inFirst));
        Assert.Equal([10], inFirst);
        cache.FlushTo(instance.Db, RocksDbInstance.NoWal);
        Assert.Equal([20], instance.Db.Get(K1, second));
        Assert.Equal([10], instance.Db.Get(K1, first));
    }

    [Fact]
    public void ACacheOfSizeZeroAsksForAFlushAfterEveryWriteAndKeepsNothing()
    {
        using var instance = new RocksDbInstance(_backends.Options);
        var column = instance.Column("state");
        var cache = new RocksDbWriteCache(0, 0);

        cache.Put(column, K1, [10]);
        Assert.True(cache.NeedsFlush);
        cache.FlushTo(instance.Db, RocksDbInstance.NoWal);
        cache.Delete(column, K1);
        Assert.True(cache.NeedsFlush);
        cache.FlushTo(instance.Db, RocksDbInstance.NoWal);

        Assert.False(cache.TryGet(column, K1, out _));
        Assert.Equal(0, cache.Bytes);
        Assert.Null(instance.Db.Get(K1, column));
    }

    [Theory]
    [InlineData(null, 16L << 20)]
    [InlineData("4 mb", 4L << 20)]
    [InlineData("0", 0L)]
    public void TheWriteCacheIsSizedByItsConfigurationKey(string? size, long bytes)
    {
        var configuration = GrainFlowConfiguration.Empty.With("state.backend.rocksdb.localdir", _backends.LocalDirectory);
        if (size is not null) configuration = configuration.With("state.backend.rocksdb.write-cache.size", size);
        Assert.Equal(bytes, RocksDbKeyedStateBackendFactory.Options(configuration).WriteCacheBytes);
    }

    public void Dispose() => _backends.Dispose();
}
