using System.Buffers;
using System.Runtime.CompilerServices;

namespace GrainFlow.Storage;

/// <summary>Ways to feed <see cref="IObjectStore.PutPartsAsync"/> from data that already exists.</summary>
public static class ObjectParts
{
    /// <summary>
    /// The part size GrainFlow produces: large enough that per-request overhead is small against the
    /// transfer (Azure recommends multi-MiB blocks), small enough that a few parts in flight per upload
    /// keep memory bounded.
    /// </summary>
    public const int DefaultPartBytes = 8 * 1024 * 1024;

    /// <summary>
    /// Where a producer that serializes while the store writes starts (parts then grow up to
    /// <see cref="DefaultPartBytes"/>): the first write begins after a megabyte is ready, not eight,
    /// so that even a state of a few megabytes is serialized and written at the same time.
    /// </summary>
    public const int FirstPartBytes = 1024 * 1024;

    /// <summary>
    /// Starts producing <paramref name="parts"/> on a pool thread, at most <paramref name="ahead"/> parts
    /// ahead of the consumer (see <see cref="ReadAheadParts"/>; dispose it if it is never enumerated).
    /// </summary>
    public static ReadAheadParts ReadAhead(IAsyncEnumerable<ObjectPart> parts, int ahead, CancellationToken cancellationToken = default) =>
        new(parts, ahead, cancellationToken);

    /// <summary>Slices <paramref name="data"/> into parts without copying; the caller keeps the memory unchanged until the put ends.</summary>
    public static async IAsyncEnumerable<ObjectPart> FromMemory(ReadOnlyMemory<byte> data, int partBytes = DefaultPartBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partBytes, 1);
        for (var offset = 0; offset < data.Length; offset += partBytes)
        {
            yield return new ObjectPart(data.Slice(offset, Math.Min(partBytes, data.Length - offset)));
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <summary>
    /// Reads <paramref name="content"/> to its end in parts of <paramref name="partBytes"/> (the last
    /// may be shorter), each in a pooled buffer that returns to the pool when the store disposes it.
    /// </summary>
    public static async IAsyncEnumerable<ObjectPart> FromStream(Stream content, int partBytes = DefaultPartBytes, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentOutOfRangeException.ThrowIfLessThan(partBytes, 1);
        while (true)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(partBytes);
            int filled;
            try
            {
                filled = await content.ReadAtLeastAsync(buffer.AsMemory(0, partBytes), partBytes, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                ArrayPool<byte>.Shared.Return(buffer);
                throw;
            }

            if (filled == 0)
            {
                ArrayPool<byte>.Shared.Return(buffer);
                yield break;
            }

            yield return ObjectPart.FromPooled(buffer, filled);
            if (filled < partBytes)
            {
                yield break;
            }
        }
    }
}
