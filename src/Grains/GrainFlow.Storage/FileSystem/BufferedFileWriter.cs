using System.IO.Hashing;

namespace GrainFlow.Storage.FileSystem;

/// <summary>
/// Writes the parts of a large object through the page cache: where <see cref="DirectFileWriter"/> is
/// not supported or not wanted.
/// </summary>
internal static class BufferedFileWriter
{
    /// <summary>Writes the parts through the page cache, one write in flight while the producer makes the next part, then flushes to disk.</summary>
    public static async Task WriteAsync(FileStream stream, IAsyncEnumerable<ObjectPart> parts, XxHash64 hash, CancellationToken cancellationToken)
    {
        await using (stream.ConfigureAwait(false))
        {
            Task writing = Task.CompletedTask;
            ObjectPart? written = null;
            try
            {
                await foreach (var part in parts.WithCancellation(cancellationToken).ConfigureAwait(false))
                {
                    await writing.ConfigureAwait(false);
                    written?.Dispose();
                    written = part;
                    hash.Append(part.Data.Span);
                    writing = stream.WriteAsync(part.Data, cancellationToken).AsTask();
                }

                await writing.ConfigureAwait(false);
            }
            finally
            {
                // Never leave a write running into a file that is about to be deleted.
                await writing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                written?.Dispose();
            }

            stream.Flush(flushToDisk: true);
        }
    }
}
