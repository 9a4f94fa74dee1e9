using System.Collections.Concurrent;

namespace GrainFlow.Storage.FileSystem;

/// <summary>
/// Remembers the content hash (the ETag) of files by path, length and modification time, so that
/// listings and <see cref="IObjectStore.GetInfoAsync"/> need not re-read unchanged files.
/// </summary>
/// <remarks>
/// File timestamps are coarse (Linux stamps files from a clock that ticks every few milliseconds), so
/// two versions of the same length written within one tick look identical to a stat. Like git's
/// "racily clean" check, an entry is only trusted when the file's timestamp was already well in the
/// past when it was hashed: any later change then necessarily carries a newer timestamp.
/// </remarks>
internal sealed class ContentHashCache
{
    private static readonly long SafetyMarginTicks = TimeSpan.FromSeconds(2).Ticks;
    private const int MaxEntries = 200_000;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public bool TryGet(string path, long length, DateTime lastWriteUtc, out string etag)
    {
        if (_entries.TryGetValue(path, out var entry) && entry.Length == length && entry.LastWriteTicks == lastWriteUtc.Ticks)
        {
            etag = entry.ETag;
            return true;
        }

        etag = string.Empty;
        return false;
    }

    /// <summary>Records a hash computed from a file handle opened at <paramref name="openedAtUtc"/>.</summary>
    public void Remember(string path, long length, DateTime lastWriteUtc, DateTime openedAtUtc, string etag)
    {
        if (lastWriteUtc.Ticks > openedAtUtc.Ticks - SafetyMarginTicks)
        {
            _entries.TryRemove(path, out _);
            return;
        }

        if (_entries.Count >= MaxEntries)
        {
            // Crude, but the cache is only an optimisation: a miss costs one re-read.
            _entries.Clear();
        }

        _entries[path] = new Entry(length, lastWriteUtc.Ticks, etag);
    }

    public void Forget(string path) => _entries.TryRemove(path, out _);

    private sealed record Entry(long Length, long LastWriteTicks, string ETag);
}
