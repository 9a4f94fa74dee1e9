using GrainFlow.Runtime.Api.State;
using GrainFlow.Runtime.Channels;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Runtime.State;
using GrainFlow.Savepoints;
using GrainFlow.Runtime.State.RocksDb;
using GrainFlow.Testing.Polling;
using Microsoft.Extensions.Time.Testing;

namespace GrainFlow.Runtime.Tests.State.RocksDb;

/// <summary>
/// The flush of RocksDB's memtables ahead of the next expected checkpoint: due a tenth of the last two checkpoints'
/// spacing before the next one, once per checkpoint; done by RocksDB in the background, so the barrier's own flush is left
/// with the writes made since; and a checkpoint after it still holds every write made before its barrier.
/// </summary>
[Trait("Category", "Unit")]
public sealed class RocksDbFlushAheadTests : IDisposable
{
    private const int WritesPerClockRead = 64;
    private readonly RocksDbTestBackends _backends = new();

    [Fact]
    public void NothingIsDueUntilTwoCheckpointsHaveShownTheSpacing()
    {
        var time = new FakeTimeProvider();
        var flushAhead = new RocksDbFlushAhead(time);
        Assert.False(IsDueWithin(flushAhead, WritesPerClockRead));

        flushAhead.CheckpointTaken();
        time.Advance(TimeSpan.FromHours(1));

        Assert.False(IsDueWithin(flushAhead, WritesPerClockRead));
    }

    [Fact]
    public void TheFlushIsDueATenthOfTheSpacingBeforeTheNextCheckpointAndOnlyOncePerCheckpoint()
    {
        var time = new FakeTimeProvider();
        var flushAhead = new RocksDbFlushAhead(time);
        flushAhead.CheckpointTaken();
        time.Advance(TimeSpan.FromSeconds(10));
        flushAhead.CheckpointTaken();

        time.Advance(TimeSpan.FromSeconds(8.9));
        Assert.False(IsDueWithin(flushAhead, WritesPerClockRead));
        time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.True(IsDueWithin(flushAhead, WritesPerClockRead));
        // Once: the next is due only after the next checkpoint.
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.False(IsDueWithin(flushAhead, 10 * WritesPerClockRead));

        // A later checkpoint 15 s after the last one: the next flush is due 13.5 s after it.
        time.Advance(TimeSpan.FromSeconds(1));
        flushAhead.CheckpointTaken();
        time.Advance(TimeSpan.FromSeconds(13.4));
        Assert.False(IsDueWithin(flushAhead, WritesPerClockRead));
        time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.True(IsDueWithin(flushAhead, WritesPerClockRead));
    }

    [Fact]
    public async Task WhenDueTheMemtablesAreFlushedInTheBackgroundAndTheNextCheckpointStillHoldsEveryWriteBeforeItsBarrier()
    {
        var time = new FakeTimeProvider();
        using var backend = _backends.Backend(0, 1, time);
        var values = backend.GetValueState(new ValueStateDescriptor<long>("value"));
        var column = backend.Instance.Column("value");
        var key = 0L;
        void Write(int count)
        {
            for (var i = 0; i < count; i++, key++)
            {
                backend.SetCurrentKey(key);
                values.Update(key);
            }
        }

        Write(1_000);
        Checkpoint(backend, 1).Dispose();
        time.Advance(TimeSpan.FromSeconds(10));
        Write(1_000);
        Checkpoint(backend, 2).Dispose();
        // Past the write cache: these writes are in the memtable.
        Write(1_000);
        backend.Instance.Flush();
        Assert.True(backend.Instance.ActiveMemtableEntries > 0);
        var levelZeroFiles = LevelZeroFiles(backend.Instance, column);

        time.Advance(TimeSpan.FromSeconds(9.5));
        Write(WritesPerClockRead);

        await Poll.UntilAsync(() => LevelZeroFiles(backend.Instance, column) > levelZeroFiles, "the memtable flushed to a new level-0 file in the background");
        Write(500);
        var directory = Path.Combine(_backends.LocalDirectory, "native-3");
        backend.TakeNativeCheckpoint(directory);
        Assert.Equal((int)key, RocksDbTestBackends.CountKeys(directory, "value"));
    }

    [Fact]
    public void ASavepointDoesNotSetTheScheduleOfCheckpoints()
    {
        var time = new FakeTimeProvider();
        using var backend = _backends.Backend(0, 1, time);
        var values = backend.GetValueState(new ValueStateDescriptor<long>("value"));
        backend.SetCurrentKey(1);
        values.Update(1);
        Checkpoint(backend, 1).Dispose();
        time.Advance(TimeSpan.FromSeconds(1));
        var savepoint = new CheckpointBarrier(2, 0, IsSavepoint: true, new SnapshotTarget(Path.Combine(_backends.LocalDirectory, "savepoint"), SavepointFormatType.Native));
        backend.TakeNativeSnapshot("keyed", savepoint).Dispose();
        backend.Instance.Flush();
        Assert.Equal(0, backend.Instance.ActiveMemtableEntries);

        // Had the savepoint counted, a flush would be due 0.9 s after it.
        time.Advance(TimeSpan.FromSeconds(5));
        for (var i = 0; i < 10 * WritesPerClockRead; i++)
        {
            backend.SetCurrentKey(i);
            values.Update(i);
        }
        backend.Instance.Flush();

        Assert.Equal(10 * WritesPerClockRead, backend.Instance.ActiveMemtableEntries);
    }

    private static INativeKeyedSnapshot Checkpoint(RocksDbKeyedStateBackend<long> backend, long id) =>
        backend.TakeNativeSnapshot("keyed", new CheckpointBarrier(id, 0, IsSavepoint: false));

    private static bool IsDueWithin(RocksDbFlushAhead flushAhead, int writes) => Enumerable.Range(0, writes).Count(_ => flushAhead.IsDueAfterWrite()) > 0;

    private static long LevelZeroFiles(RocksDbInstance instance, RocksDbSharp.ColumnFamilyHandle column) =>
        long.Parse(instance.Db.GetProperty("rocksdb.num-files-at-level0", column), System.Globalization.CultureInfo.InvariantCulture);

    public void Dispose() => _backends.Dispose();
}
