using Azure;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace GrainFlow.Storage.AzureBlob;

/// <summary>
/// Appends to append blobs, creating them on the first append and splitting appends larger than
/// <see cref="AzureBlobObjectStore.MaxAppendBlockBytes"/> into blocks that must land back to back.
/// </summary>
/// <param name="container">Creates the container when the first write finds it missing.</param>
internal sealed class AppendBlobWriter(ContainerOnDemand container)
{
    // Appends of one key from this process go one at a time so their multi-block appends do not interleave.
    private static readonly KeyedAsyncLock AppendLocks = new();

    /// <summary>Appends <paramref name="data"/> to <paramref name="blob"/> and returns the blob's length after it.</summary>
    public async Task<long> AppendAsync(AppendBlobClient blob, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        using (await AppendLocks.AcquireAsync(blob.Uri.AbsoluteUri, cancellationToken).ConfigureAwait(false))
        {
            if (data.IsEmpty)
            {
                await container.WriteAsync(() => blob.CreateIfNotExistsAsync(new AppendBlobCreateOptions(), cancellationToken), cancellationToken).ConfigureAwait(false);
                var properties = await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                return properties.Value.ContentLength;
            }

            long length = 0;
            long? expectedPosition = null;
            for (var offset = 0; offset < data.Length; offset += AzureBlobObjectStore.MaxAppendBlockBytes)
            {
                var chunk = data.Slice(offset, Math.Min(AzureBlobObjectStore.MaxAppendBlockBytes, data.Length - offset));

                // Later blocks of a split append must land right after the earlier ones; if another
                // writer got in between, fail loudly rather than interleave.
                var conditions = expectedPosition is { } position ? new AppendBlobRequestConditions { IfAppendPositionEqual = position } : null;
                var info = await AppendBlockAsync(blob, chunk, conditions, cancellationToken).ConfigureAwait(false);
                length = long.Parse(info.BlobAppendOffset, System.Globalization.CultureInfo.InvariantCulture) + chunk.Length;
                expectedPosition = length;
            }

            return length;
        }
    }

    private async Task<BlobAppendInfo> AppendBlockAsync(AppendBlobClient blob, ReadOnlyMemory<byte> chunk, AppendBlobRequestConditions? conditions, CancellationToken cancellationToken)
    {
        // Try the append first: creating the blob up front would cost a round trip on every append.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var content = BinaryData.FromBytes(chunk).ToStream();
                var response = await blob.AppendBlockAsync(content, new AppendBlobAppendBlockOptions { Conditions = conditions }, cancellationToken).ConfigureAwait(false);
                return response.Value;
            }
            catch (RequestFailedException ex) when (AzureBlobErrors.IsNotFound(ex) && attempt == 1)
            {
                await container.WriteAsync(() => blob.CreateIfNotExistsAsync(new AppendBlobCreateOptions(), cancellationToken), cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
