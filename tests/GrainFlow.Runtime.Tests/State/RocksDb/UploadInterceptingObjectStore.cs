using GrainFlow.Storage;

namespace GrainFlow.Runtime.Tests.State.RocksDb;

/// <summary>A store that runs <paramref name="beforeUpload"/> (with the key) before each streamed upload reads its first part, then writes to <paramref name="inner"/>.</summary>
internal sealed class UploadInterceptingObjectStore(IObjectStore inner, Action<string> beforeUpload) : IObjectStore
{
    public string Location => inner.Location;

    public Task<string> PutAsync(string key, ReadOnlyMemory<byte> data, WriteCondition condition = default, CancellationToken cancellationToken = default) =>
        inner.PutAsync(key, data, condition, cancellationToken);

    public Task<string> PutPartsAsync(string key, IAsyncEnumerable<ObjectPart> parts, WriteCondition condition = default, CancellationToken cancellationToken = default)
    {
        beforeUpload(key);
        return inner.PutPartsAsync(key, parts, condition, cancellationToken);
    }

    public Task<StoredObject?> GetAsync(string key, CancellationToken cancellationToken = default) => inner.GetAsync(key, cancellationToken);

    public Task<byte[]?> ReadRangeAsync(string key, long offset, int length, CancellationToken cancellationToken = default) =>
        inner.ReadRangeAsync(key, offset, length, cancellationToken);

    public Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken = default) => inner.OpenReadAsync(key, cancellationToken);

    public Task<long> AppendAsync(string key, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) => inner.AppendAsync(key, data, cancellationToken);

    public Task<ObjectInfo?> GetInfoAsync(string key, CancellationToken cancellationToken = default) => inner.GetInfoAsync(key, cancellationToken);

    public IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, CancellationToken cancellationToken = default) => inner.ListAsync(prefix, cancellationToken);

    public Task<bool> DeleteAsync(string key, string? ifMatch = null, CancellationToken cancellationToken = default) => inner.DeleteAsync(key, ifMatch, cancellationToken);

    public Task<int> DeletePrefixAsync(string prefix, CancellationToken cancellationToken = default) => inner.DeletePrefixAsync(prefix, cancellationToken);
}
