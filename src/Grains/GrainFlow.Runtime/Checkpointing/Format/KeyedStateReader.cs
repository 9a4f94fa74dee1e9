using GrainFlow.KeyGroups;
using GrainFlow.Runtime.State;
using GrainFlow.Storage;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// Reads the keyed state a <see cref="StateHandle"/> points at: streams its bytes in ranged reads of
/// <see cref="ChunkBytes"/> (a few ahead, so a remote store is read in parallel), checks the whole
/// section against its size and checksum, and keeps only the key groups the restoring subtask owns,
/// each in its own array.
/// </summary>
internal static class KeyedStateReader
{
    public const int ChunkBytes = ObjectParts.DefaultPartBytes;

    /// <summary>Ranged reads in flight at once: enough to keep a blob download busy, little memory.</summary>
    private const int ReadAhead = 4;

    /// <exception cref="InvalidDataException">The state is missing, damaged (size, checksum, offsets) or of an unknown format.</exception>
    public static async Task<RestoredKeyedState> ReadAsync(StateHandle handle, IObjectStore store, string directoryKey, string location,
        KeyGroupRange owned, StateCodecs codecs, CancellationToken cancellation)
    {
        var what = handle.RelativePath ?? "_metadata";
        var layout = Layout(handle, owned, what, location);
        if (handle.InlineData is { } inline)
        {
            if (inline.Length != handle.Size || StateChecksum.Compute(handle.ChecksumAlgorithm, inline) != handle.Checksum) throw Damaged(what, location);
            return Restored(new ArraySegment<byte>(inline, 0, (int)layout.HeaderLength),
                layout.Owned.ToDictionary(s => s.KeyGroup, s => new ArraySegment<byte>(inline, (int)s.Start, (int)(s.End - s.Start))), what, location, codecs);
        }

        var header = new byte[layout.HeaderLength];
        var targets = new List<(long Start, byte[] Buffer)> { (0, header) };
        var sections = new Dictionary<int, ArraySegment<byte>>();
        foreach (var (keyGroup, start, end) in layout.Owned)
        {
            var buffer = new byte[end - start];
            targets.Add((start, buffer));
            sections[keyGroup] = buffer;
        }

        var key = directoryKey + handle.RelativePath;
        var hash = StateChecksum.Create(handle.ChecksumAlgorithm);
        var reads = new Queue<Task<byte[]?>>();
        long requested = 0, position = 0;
        var next = 0;
        try
        {
            while (position < handle.Size)
            {
                while (reads.Count < ReadAhead && requested < handle.Size)
                {
                    var length = (int)Math.Min(ChunkBytes, handle.Size - requested);
                    reads.Enqueue(store.ReadRangeAsync(key, handle.Offset + requested, length, cancellation));
                    requested += length;
                }
                var chunk = await reads.Dequeue()
                    ?? throw new InvalidDataException($"The state file '{what}' of the snapshot at '{location}' is missing.");
                var expected = (int)Math.Min(ChunkBytes, handle.Size - position);
                if (chunk.Length != expected) throw Damaged(what, location);
                hash.Append(chunk);

                // Copy the parts of this chunk that belong to the header or an owned key group.
                var chunkEnd = position + chunk.Length;
                while (next < targets.Count && targets[next].Start < chunkEnd)
                {
                    var (start, buffer) = targets[next];
                    var from = Math.Max(start, position);
                    var to = Math.Min(start + buffer.Length, chunkEnd);
                    if (to > from) chunk.AsSpan((int)(from - position), (int)(to - from)).CopyTo(buffer.AsSpan((int)(from - start)));
                    if (start + buffer.Length > chunkEnd) break; // continues in the next chunk
                    next++;
                }
                position = chunkEnd;
            }
        }
        finally
        {
            // After a failure, let the reads still in flight end before returning.
            while (reads.TryDequeue(out var pending)) await ((Task)pending).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        if (hash.Value != handle.Checksum) throw Damaged(what, location);
        return Restored(header, sections, what, location, codecs);
    }

    private static RestoredKeyedState Restored(ArraySegment<byte> header, Dictionary<int, ArraySegment<byte>> sections, string what, string location, StateCodecs codecs)
    {
        try
        {
            return new RestoredKeyedState(KeyedStateFormat.ReadHeader(header), sections, codecs);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"The state in '{what}' of the snapshot at '{location}' cannot be read: {e.Message}", e);
        }
    }

    /// <summary>Where the header and each owned key group lie in the section, from the handle's offsets (checked).</summary>
    private static (long HeaderLength, List<(int KeyGroup, long Start, long End)> Owned) Layout(StateHandle handle, KeyGroupRange owned, string what, string location)
    {
        var starts = handle.KeyGroupOffsets.OrderBy(o => o.Value).ToArray();
        var result = new List<(int, long, long)>();
        for (var i = 0; i < starts.Length; i++)
        {
            var start = starts[i].Value;
            var end = i + 1 < starts.Length ? starts[i + 1].Value : handle.Size;
            if (start < 0 || end <= start || end > handle.Size) throw Damaged(what, location);
            if (owned.Contains(starts[i].Key)) result.Add((starts[i].Key, start, end));
        }
        return (starts.Length > 0 ? starts[0].Value : handle.Size, result);
    }

    private static InvalidDataException Damaged(string what, string location) =>
        new($"The state in '{what}' of the snapshot at '{location}' is damaged (size, checksum or key-group offsets differ from what the checkpoint recorded).");
}
