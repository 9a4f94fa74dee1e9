using Azure;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace GrainFlow.Storage.AzureBlob;

/// <summary>
/// Uploads an object given as parts as a block blob: one block per part, staged while the producer
/// makes the next part, committed with the write condition once every block is staged.
/// </summary>
/// <param name="container">Creates the container when the first write finds it missing.</param>
/// <param name="maxConcurrency">How many blocks are staged at once.</param>
/// <param name="location">The store's location, for error messages.</param>
internal sealed class BlockBlobUploader(ContainerOnDemand container, int maxConcurrency, string location)
{
    /// <summary>The most blocks one block blob may have.</summary>
    private const int MaxBlocksPerBlob = 50_000;

    /// <summary>Uploads the parts as <paramref name="blob"/> if <paramref name="conditions"/> hold and returns its (canonical) ETag.</summary>
    public async Task<string> UploadAsync(BlockBlobClient blob, string key, IAsyncEnumerable<ObjectPart> parts, BlobRequestConditions? conditions, CancellationToken cancellationToken)
    {
        var upload = Guid.NewGuid();
        var blockIds = new List<string>();
        var staging = new List<Task>();
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            await foreach (var part in parts.WithCancellation(abort.Token).ConfigureAwait(false))
            {
                var pending = part;
                try
                {
                    if (part.Data.IsEmpty)
                    {
                        continue;
                    }

                    if (blockIds.Count == MaxBlocksPerBlob)
                    {
                        throw new ObjectStoreException(
                            $"Azure Blob storage at {location} cannot write '{key}' from more than {MaxBlocksPerBlob} parts (the block limit of a blob); use larger parts.");
                    }

                    if (staging.Count >= maxConcurrency)
                    {
                        // Bounded: wait for one block to finish (surfacing its failure) before staging another.
                        var finished = await Task.WhenAny(staging).ConfigureAwait(false);
                        staging.Remove(finished);
                        await finished.ConfigureAwait(false);
                    }

                    var blockId = BlockId(upload, blockIds.Count);
                    blockIds.Add(blockId);
                    pending = null;
                    staging.Add(StageBlockAsync(blob, blockId, part, abort.Token));
                }
                finally
                {
                    pending?.Dispose();
                }
            }

            await Task.WhenAll(staging).ConfigureAwait(false);
            var options = new CommitBlockListOptions { Conditions = conditions };
            var response = await container.WriteAsync(() => blob.CommitBlockListAsync(blockIds, options, cancellationToken), cancellationToken).ConfigureAwait(false);
            return BlobETags.Canonical(response.Value.ETag);
        }
        catch (Exception ex)
        {
            // Stop the other blocks; nothing is committed, so the blob is as before.
            await abort.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(staging).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (ex is RequestFailedException failed && AzureBlobErrors.IsPreconditionFailure(failed))
            {
                throw new ObjectStorePreconditionFailedException(key, location, ex);
            }

            if (AzureBlobErrors.IsStorageFailure(ex, cancellationToken))
            {
                throw AzureBlobErrors.ToObjectStoreException(ex, "write", key, location);
            }

            throw;
        }
    }

    /// <summary>Block ids of one blob must have one length: the upload's nonce and the part's index, base64.</summary>
    private static string BlockId(Guid upload, int index)
    {
        Span<byte> id = stackalloc byte[20];
        upload.TryWriteBytes(id);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(id[16..], index);
        return Convert.ToBase64String(id);
    }

    private async Task StageBlockAsync(BlockBlobClient blob, string blockId, ObjectPart part, CancellationToken cancellationToken)
    {
        using (part)
        {
            await container.WriteAsync(async () =>
            {
                // A seekable stream over the part, so the SDK can retry a block from its start.
                using var content = System.Runtime.InteropServices.MemoryMarshal.TryGetArray(part.Data, out var array)
                    ? new MemoryStream(array.Array!, array.Offset, array.Count, writable: false)
                    : BinaryData.FromBytes(part.Data).ToStream();
                return await blob.StageBlockAsync(blockId, content, new BlockBlobStageBlockOptions(), cancellationToken).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
        }
    }
}
