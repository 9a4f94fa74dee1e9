namespace GrainFlow.Storage;

/// <summary>
/// The one storage abstraction every durable part of GrainFlow is written against: topics,
/// grain state, and (later) checkpoints and savepoints. Keys are relative, '/'-separated paths
/// below the store's root; implementations map them to files or blobs.
/// </summary>
/// <remarks>
/// Kept deliberately small so that the filesystem and Azure Blob implementations can be held to
/// one contract test suite, and so that moving data between stores is a copy of keys.
/// Every method throws <see cref="ObjectStoreException"/> (with the key and the store's location
/// in the message) when the backing storage is unreachable, full or refuses the request.
/// </remarks>
public interface IObjectStore
{
    /// <summary>Where this store lives, for messages and logs (a directory or a container URL).</summary>
    string Location { get; }

    /// <summary>
    /// Writes <paramref name="data"/> under <paramref name="key"/> atomically: a reader sees either
    /// the old object or the whole new one, never a part.
    /// </summary>
    /// <returns>The new version tag of the object (an ETag).</returns>
    /// <exception cref="ObjectStorePreconditionFailedException">The <paramref name="condition"/> did not hold.</exception>
    Task<string> PutAsync(string key, ReadOnlyMemory<byte> data, WriteCondition condition = default, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes an object whose bytes arrive as a sequence of parts, for objects too large to hold in
    /// one buffer: the store pulls a part when it is ready for it (so producing the next part overlaps
    /// with writing the previous ones, and only a bounded number of parts is held at once) and writes
    /// several parts in parallel where the storage allows. Same guarantees as <see cref="PutAsync"/>:
    /// readers see the old object or the whole new one, and the <paramref name="condition"/> is
    /// checked when the object is published.
    /// </summary>
    /// <remarks>
    /// The store disposes every part it pulled once it no longer needs its bytes, on success and on
    /// failure. When the upload fails — storage error, a part that throws, cancellation, or the
    /// condition — no object is published: the key keeps its previous object, or stays absent.
    /// </remarks>
    /// <returns>The new version tag of the object (an ETag).</returns>
    /// <exception cref="ObjectStorePreconditionFailedException">The <paramref name="condition"/> did not hold.</exception>
    Task<string> PutPartsAsync(string key, IAsyncEnumerable<ObjectPart> parts, WriteCondition condition = default, CancellationToken cancellationToken = default);

    /// <summary>Reads a whole object, or null when it does not exist.</summary>
    Task<StoredObject?> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Reads <paramref name="length"/> bytes from <paramref name="offset"/> (fewer at the end of the object); null when it does not exist.</summary>
    Task<byte[]?> ReadRangeAsync(string key, long offset, int length, CancellationToken cancellationToken = default);

    /// <summary>Opens an object for streaming reads, or returns null when it does not exist.</summary>
    Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends to an append-only object, creating it when missing. Each append is all-or-nothing
    /// as seen by readers of the stored length.
    /// </summary>
    /// <returns>The object's length after the append.</returns>
    Task<long> AppendAsync(string key, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default);

    /// <summary>Metadata of one object, or null when it does not exist.</summary>
    Task<ObjectInfo?> GetInfoAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Lists every object whose key starts with <paramref name="prefix"/>, in ordinal key order.</summary>
    IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, CancellationToken cancellationToken = default);

    /// <summary>Deletes one object; returns false when it did not exist.</summary>
    /// <param name="ifMatch">When given, deletes only while the object's ETag still equals it.</param>
    /// <exception cref="ObjectStorePreconditionFailedException"><paramref name="ifMatch"/> was given and the object has another ETag or no longer exists.</exception>
    Task<bool> DeleteAsync(string key, string? ifMatch = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes every object below <paramref name="prefix"/>; returns how many were deleted.</summary>
    Task<int> DeletePrefixAsync(string prefix, CancellationToken cancellationToken = default);
}

/// <summary>A precondition for <see cref="IObjectStore.PutAsync"/>.</summary>
public readonly record struct WriteCondition(WriteConditionKind Kind, string? ETag = null)
{
    public static WriteCondition None => default;
    public static WriteCondition IfNotExists => new(WriteConditionKind.IfNotExists);
    public static WriteCondition IfMatch(string etag) => new(WriteConditionKind.IfMatch, etag);
}

public enum WriteConditionKind
{
    None = 0,
    IfNotExists,
    IfMatch,
}

/// <summary>An object's bytes with the version tag they were read at.</summary>
public sealed record StoredObject(byte[] Data, string ETag);

/// <summary>What a listing knows of an object without reading it.</summary>
public sealed record ObjectInfo(string Key, long Size, DateTimeOffset LastModified, string ETag);
