using GrainFlow.KeyGroups;
using GrainFlow.Runtime.Checkpointing;
using RocksDbSharp;

namespace GrainFlow.Runtime.State.RocksDb;

/// <summary>
/// Builds a subtask's RocksDB instance from the downloaded instances of the old subtasks whose key groups overlap its
/// own (Flink's RocksDBIncrementalRestoreOperation). The one that covers most of the new range is opened as the
/// instance itself — with the same key groups (same parallelism) that is the whole restore — and the key groups
/// outside the range are deleted by range (Flink's clip; keys start with their key group, so each side is one
/// range); the key groups in the range of every other one are copied in from it, opened as a temporary database.
/// </summary>
internal static class RocksDbIncrementalRestoreOperation
{
    /// <summary>Entries written per batch while copying (Flink's write batch wrapper flushes at about 2 MB).</summary>
    private const long BatchBytes = 2L << 20;

    /// <returns>
    /// The instance, and the handle it was restored from when it is exactly that snapshot's instance (one source with the
    /// same key groups): its shared files are then those of the next incremental checkpoint (<see cref="UploadedSharedFiles.Restored"/>).
    /// </returns>
    /// <exception cref="IOException">A downloaded database cannot be opened or read.</exception>
    public static (RocksDbInstance Instance, IncrementalKeyedStateHandle? Unchanged) Restore(IReadOnlyList<RocksDbRestoreSource> sources, KeyGroupRange keyGroups,
        int maxParallelism, RocksDbBackendOptions options, TimeProvider? time = null)
    {
        try
        {
            var prefixBytes = RocksDbKeyLayout.PrefixBytes(maxParallelism);
            var initial = sources.MaxBy(s => Overlap(s.KeyGroups, keyGroups).Count)!;
            var instance = Open(initial, options, time);
            try
            {
                if (initial.KeyGroups != keyGroups) Clip(instance, keyGroups, prefixBytes, maxParallelism);
                foreach (var source in sources.Where(s => s != initial)) Copy(source, instance, keyGroups, prefixBytes);
            }
            catch
            {
                instance.Dispose();
                throw;
            }
            return (instance, sources.Count == 1 && initial.KeyGroups == keyGroups ? initial.Handle : null);
        }
        finally
        {
            // The copied sources are not needed any more (the opened one was taken by the instance).
            foreach (var source in sources) source.Dispose();
        }
    }

    private static RocksDbInstance Open(RocksDbRestoreSource source, RocksDbBackendOptions options, TimeProvider? time)
    {
        try
        {
            return new RocksDbInstance(options, source.Take(), time);
        }
        catch (IOException e)
        {
            throw new IOException($"The RocksDB state of key groups {Describe(source.KeyGroups)} of the snapshot at '{source.Snapshot}' could not be opened: {e.Message}", e);
        }
    }

    /// <summary>Deletes every key group outside <paramref name="keyGroups"/> from each column family (range tombstones: no key is read).</summary>
    private static void Clip(RocksDbInstance instance, KeyGroupRange keyGroups, int prefixBytes, int maxParallelism)
    {
        using var batch = new WriteBatch();
        foreach (var column in instance.OpenedColumnFamilies.Select(instance.Column))
        {
            if (keyGroups.StartKeyGroup > 0) DeleteRange(batch, column, 0, keyGroups.StartKeyGroup, prefixBytes);
            if (keyGroups.EndKeyGroup + 1 < maxParallelism) DeleteRange(batch, column, keyGroups.EndKeyGroup + 1, maxParallelism, prefixBytes);
        }
        instance.Db.Write(batch, RocksDbInstance.NoWal);
    }

    private static void DeleteRange(WriteBatch batch, ColumnFamilyHandle column, int fromKeyGroup, int toKeyGroup, int prefixBytes)
    {
        var from = RocksDbKeyLayout.KeyGroupStart(fromKeyGroup, prefixBytes);
        var to = RocksDbKeyLayout.KeyGroupStart(toKeyGroup, prefixBytes);
        batch.DeleteRange(from, (ulong)from.Length, to, (ulong)to.Length, column);
    }

    /// <summary>Copies the key groups of <paramref name="keyGroups"/> that <paramref name="source"/> holds, column family by column family.</summary>
    private static void Copy(RocksDbRestoreSource source, RocksDbInstance instance, KeyGroupRange keyGroups, int prefixBytes)
    {
        var overlap = Overlap(source.KeyGroups, keyGroups);
        var lower = RocksDbKeyLayout.KeyGroupStart(overlap.StartKeyGroup, prefixBytes);
        var upper = RocksDbKeyLayout.KeyGroupStart(overlap.EndKeyGroup + 1, prefixBytes);
        RocksDbSharp.RocksDb temporary;
        var names = new List<string>();
        try
        {
            var options = new DbOptions();
            var families = new ColumnFamilies();
            names.AddRange(RocksDbSharp.RocksDb.ListColumnFamilies(options, source.DatabasePath).Where(n => n != ColumnFamilies.DefaultName));
            foreach (var name in names) families.Add(name, new ColumnFamilyOptions());
            temporary = RocksDbSharp.RocksDb.OpenReadOnly(options, source.DatabasePath, families, errIfLogFileExists: false);
        }
        catch (RocksDbException e)
        {
            throw new IOException($"The RocksDB state of key groups {Describe(source.KeyGroups)} of the snapshot at '{source.Snapshot}' could not be opened: {e.Message}", e);
        }
        using (temporary)
        {
            RocksDbStateMetaInfo.CopyMissing(temporary, instance);
            foreach (var name in names)
            {
                var target = instance.Column(name);
                using var batch = new WriteBatch();
                long bytes = 0;
                using var iterator = temporary.NewIterator(temporary.GetColumnFamily(name), new ReadOptions().SetIterateUpperBound(upper).SetFillCache(false));
                for (iterator.Seek(lower); iterator.Valid(); iterator.Next())
                {
                    var (key, value) = (iterator.Key(), iterator.Value());
                    batch.Put(key, value, target);
                    bytes += key.Length + value.Length;
                    if (bytes < BatchBytes) continue;
                    instance.Db.Write(batch, RocksDbInstance.NoWal);
                    batch.Clear();
                    bytes = 0;
                }
                if (bytes > 0) instance.Db.Write(batch, RocksDbInstance.NoWal);
            }
        }
    }

    private static KeyGroupRange Overlap(KeyGroupRange a, KeyGroupRange b) =>
        new(Math.Max(a.StartKeyGroup, b.StartKeyGroup), Math.Min(a.EndKeyGroup, b.EndKeyGroup));

    private static string Describe(KeyGroupRange range) => $"{range.StartKeyGroup}-{range.EndKeyGroup}";
}
