using System.Diagnostics;
using System.Runtime.CompilerServices;
using GrainFlow.Storage;

namespace GrainFlow.Bench.LargeState;

/// <summary>
/// The raw bandwidth of a store, as the reference for checkpoint writes and restores: the same number
/// of bytes, written and read the way checkpoints do it (parts of 8 MiB; ranged reads, a few ahead),
/// without any serialization.
/// </summary>
internal static class RawStorage
{
    private const int ReadAhead = 4;
    // Aligned, so that stores needing aligned memory (direct I/O) write it without a copy: the best case.
    private static readonly ObjectPartBuffer Pattern = CreatePattern();

    /// <summary>Writes <paramref name="bytes"/> bytes as one object with PutPartsAsync, deletes it, and returns the time of the write.</summary>
    public static async Task<TimeSpan> WriteAsync(IObjectStore store, long bytes)
    {
        var key = $"raw/{Guid.NewGuid():N}.bin";
        var watch = Stopwatch.StartNew();
        await store.PutPartsAsync(key, Parts(bytes), WriteCondition.IfNotExists);
        watch.Stop();
        await store.DeleteAsync(key);
        return watch.Elapsed;
    }

    /// <summary>Reads the objects whole in ranged chunks (as a restore reads state) and returns the time.</summary>
    public static async Task<TimeSpan> ReadAsync(IObjectStore store, IReadOnlyList<ObjectInfo> objects)
    {
        var watch = Stopwatch.StartNew();
        foreach (var info in objects)
        {
            var reads = new Queue<Task<byte[]?>>();
            long requested = 0;
            while (requested < info.Size || reads.Count > 0)
            {
                while (reads.Count < ReadAhead && requested < info.Size)
                {
                    var length = (int)Math.Min(ObjectParts.DefaultPartBytes, info.Size - requested);
                    reads.Enqueue(store.ReadRangeAsync(info.Key, requested, length));
                    requested += length;
                }
                _ = await reads.Dequeue() ?? throw new InvalidOperationException($"'{info.Key}' disappeared while it was read.");
            }
        }
        return watch.Elapsed;
    }

    /// <summary>
    /// Drops the kernel's page cache (Linux, as root) so that reads come from the disk, as after a restart
    /// elsewhere; returns false where that is not allowed (then reads may come from memory).
    /// </summary>
    public static bool TryDropPageCache()
    {
        try
        {
            if (!OperatingSystem.IsLinux()) return false;
            Process.Start("sync")?.WaitForExit();
            File.WriteAllText("/proc/sys/vm/drop_caches", "1");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static async IAsyncEnumerable<ObjectPart> Parts(long bytes, [EnumeratorCancellation] CancellationToken cancellation = default)
    {
        for (long written = 0; written < bytes; written += ObjectParts.DefaultPartBytes)
        {
            cancellation.ThrowIfCancellationRequested();
            yield return Pattern.Borrow((int)Math.Min(ObjectParts.DefaultPartBytes, bytes - written));
        }
        await Task.CompletedTask;
    }

    private static ObjectPartBuffer CreatePattern()
    {
        var pattern = ObjectPartBuffer.Rent(ObjectParts.DefaultPartBytes);
        new Random(1).NextBytes(pattern.Memory.Span);
        return pattern;
    }
}
