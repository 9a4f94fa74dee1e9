using GrainFlow.Storage;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// Checks a whole snapshot before a job starts from it: <c>_metadata</c> against its own checksum, every
/// state file it names (inside its directory, present, of the recorded size, listed and referenced
/// consistently) and every byte of state against the checksums of the handles — also the private and
/// shared files of incremental handles (shared ones in the checkpoint storage's <c>&lt;job id&gt;/shared/</c>). Damage is an
/// <see cref="InvalidDataException"/> naming the file; a store that cannot be reached is an
/// <see cref="ObjectStoreException"/>, which says nothing about the snapshot.
/// </summary>
/// <remarks>
/// Files are read in ranged reads of <see cref="ChunkBytes"/>, a few at once, several files in
/// parallel, and hashed as they arrive: the cost is one read of the state, paid before the job exists
/// rather than after it was reported started. An automatic restart asks for <see cref="SnapshotVerification.PresenceAndSize"/>
/// only, since its subtasks check every byte they restore.
/// </remarks>
public static class SnapshotVerifier
{
    private const int ChunkBytes = KeyedStateReader.ChunkBytes;
    private const int ReadAhead = 2;
    private const int FilesInParallel = 4;

    /// <summary>Reads and verifies the snapshot whose <c>_metadata</c> is at <paramref name="directoryKey"/> in <paramref name="store"/>.</summary>
    /// <exception cref="InvalidDataException">The snapshot is missing or damaged.</exception>
    /// <exception cref="ObjectStoreException">The store could not be read.</exception>
    /// <param name="configuration">Opens the checkpoint storage's root when the store is rooted at the snapshot itself (for shared files).</param>
    public static async Task<CheckpointMetadata> OpenVerifiedAsync(IObjectStore store, string directoryKey, string externalPath,
        GrainFlow.Configuration.GrainFlowConfiguration configuration, CancellationToken cancellation = default,
        SnapshotVerification verification = SnapshotVerification.EveryByte)
    {
        var stored = await store.GetAsync(directoryKey + CheckpointLayout.MetadataFileName, cancellation)
            ?? throw new InvalidDataException($"'{MetadataFile(externalPath)}' is missing.");
        var metadata = CheckpointMetadata.FromBytes(stored.Data, externalPath);
        await VerifyAsync(store, directoryKey, externalPath, metadata, configuration, cancellation, verification);
        return metadata;
    }

    /// <exception cref="InvalidDataException">A state file is missing, damaged, or referenced inconsistently.</exception>
    /// <exception cref="ObjectStoreException">The store could not be read.</exception>
    /// <param name="configuration">Opens the checkpoint storage's root when the store is rooted at the snapshot itself (for shared files).</param>
    public static async Task VerifyAsync(IObjectStore store, string directoryKey, string externalPath, CheckpointMetadata metadata,
        GrainFlow.Configuration.GrainFlowConfiguration configuration, CancellationToken cancellation = default,
        SnapshotVerification verification = SnapshotVerification.EveryByte)
    {
        var metadataFile = MetadataFile(externalPath);
        var handles = metadata.StateHandles().ToList();
        foreach (var (subtask, op, handle) in handles.Where(h => h.Handle.RelativePath is null))
        {
            if (handle.InlineData is not { } inline || inline.Length != handle.Size || StateChecksum.Compute(handle.ChecksumAlgorithm, inline) != handle.Checksum)
            {
                throw new InvalidDataException(
                    $"The state of operator '{op.OperatorUid}' of subtask {subtask.VertexUid}/{subtask.SubtaskIndex}, inline in '{metadataFile}', is damaged (size or checksum differ from what it recorded).");
            }
        }
        var files = handles.Where(h => h.Handle.RelativePath is not null)
            .GroupBy(h => StateFileName.Validate(h.Handle.RelativePath, metadataFile), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(h => h.Handle).OrderBy(h => h.Offset).ToList(), StringComparer.Ordinal);
        var sizes = metadata.StateFiles is { } listed
            ? ListedSizes(listed, files, metadataFile, externalPath)
            : files.ToDictionary(f => f.Key, f => f.Value.Max(h => h.Offset + h.Size), StringComparer.Ordinal);
        await Parallel.ForEachAsync(files, new ParallelOptions { MaxDegreeOfParallelism = FilesInParallel, CancellationToken = cancellation },
            (file, token) => new ValueTask(VerifyFileAsync(store, directoryKey, $"{externalPath.TrimEnd('/')}/{file.Key}", file.Key, sizes[file.Key], file.Value, verification, token)));
        await VerifyIncrementalAsync(new SnapshotLocation(store, directoryKey, externalPath), metadata, configuration, verification, cancellation);
    }

    /// <summary>Every private and shared file of the incremental handles: present, of its size, every byte against its checksum.</summary>
    private static async Task VerifyIncrementalAsync(SnapshotLocation location, CheckpointMetadata metadata, GrainFlow.Configuration.GrainFlowConfiguration configuration,
        SnapshotVerification verification, CancellationToken cancellation)
    {
        var handles = metadata.StateHandlesIncremental().ToList();
        if (handles.Count == 0) return;
        var files = new List<(IObjectStore Store, string Prefix, string External, HandleAndLocalPath File, string Algorithm)>();
        var path = location.ExternalPath.TrimEnd('/');
        foreach (var handle in handles)
        {
            files.AddRange(handle.PrivateState.Select(f => (location.Store, location.DirectoryKey, $"{path}/{f.Path}", f, handle.ChecksumAlgorithm)));
        }
        if (handles.Any(h => h.SharedState.Count > 0))
        {
            (IObjectStore, string)? sharedRoot;
            try
            {
                sharedRoot = SharedStateRoot.Of(location, configuration);
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException($"The checkpoint storage holding the shared state files of '{path}' cannot be opened: {e.Message}", e);
            }
            var (store, rootKey) = sharedRoot
                ?? throw new InvalidDataException($"'{MetadataFile(path)}' references shared state files, but the snapshot is not a 'chk-<n>' of a job's checkpoint directory, where they would be.");
            var root = path[..path.LastIndexOf('/', path.LastIndexOf('/') - 1)];
            foreach (var handle in handles)
            {
                files.AddRange(handle.SharedState.Select(f => (store, rootKey, $"{root}/{f.Path}", f, handle.ChecksumAlgorithm)));
            }
        }
        await Parallel.ForEachAsync(files.DistinctBy(f => f.External), new ParallelOptions { MaxDegreeOfParallelism = FilesInParallel, CancellationToken = cancellation },
            (f, token) => new ValueTask(VerifyFileAsync(f.Store, f.Prefix, f.External, f.File.Path, f.File.Size,
                [new StateHandle(f.File.Path, null, 0, f.File.Size, f.File.Checksum, new Dictionary<int, long>(), f.Algorithm)], verification, token)));
    }

    /// <summary>The listed sizes, once every referenced file is listed, every listed file referenced, and each file exactly its sections.</summary>
    private static Dictionary<string, long> ListedSizes(IReadOnlyList<StateFileMetadata> listed, Dictionary<string, List<StateHandle>> referenced,
        string metadataFile, string externalPath)
    {
        var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var file in listed)
        {
            var name = StateFileName.Validate(file.RelativePath, metadataFile);
            if (!referenced.ContainsKey(name)) throw new InvalidDataException($"'{metadataFile}' lists the state file '{name}', but no state refers to it.");
            if (!sizes.TryAdd(name, file.Size)) throw new InvalidDataException($"'{metadataFile}' lists the state file '{name}' twice.");
        }
        foreach (var (name, sections) in referenced)
        {
            if (!sizes.TryGetValue(name, out var size))
            {
                throw new InvalidDataException($"'{metadataFile}' refers to the state file '{name}', which is not in its list of state files.");
            }
            // The writer puts sections back to back from the first byte: anything else leaves bytes no checksum covers.
            long end = 0;
            foreach (var section in sections)
            {
                if (section.Offset != end) break;
                end = section.Offset + section.Size;
            }
            if (end != size)
            {
                throw new InvalidDataException(
                    $"The state file '{externalPath.TrimEnd('/')}/{name}' is not covered by the sections '{metadataFile}' records for it (recorded size {size} bytes).");
            }
        }
        return sizes;
    }

    private static async Task VerifyFileAsync(IObjectStore store, string directoryKey, string file, string name, long size, List<StateHandle> sections,
        SnapshotVerification verification, CancellationToken cancellation)
    {
        var key = directoryKey + name;
        var info = await store.GetInfoAsync(key, cancellation) ?? throw new InvalidDataException($"The state file '{file}' is missing.");
        if (info.Size != size)
        {
            throw new InvalidDataException(
                $"The state file '{file}' has {info.Size} bytes; the snapshot recorded {size} ({(info.Size < size ? "truncated" : "bytes were added")}).");
        }
        if (verification == SnapshotVerification.PresenceAndSize) return;
        StateChecksum[] hashes;
        try
        {
            hashes = sections.Select(s => StateChecksum.Create(s.ChecksumAlgorithm)).ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"The state file '{file}' cannot be checked: {e.Message}", e);
        }
        var reads = new Queue<Task<byte[]?>>();
        long requested = 0, position = 0;
        try
        {
            while (position < size)
            {
                while (reads.Count < ReadAhead && requested < size)
                {
                    var length = (int)Math.Min(ChunkBytes, size - requested);
                    reads.Enqueue(store.ReadRangeAsync(key, requested, length, cancellation));
                    requested += length;
                }
                var chunk = await reads.Dequeue() ?? throw new InvalidDataException($"The state file '{file}' is missing.");
                if (chunk.Length != Math.Min(ChunkBytes, size - position))
                {
                    throw new InvalidDataException($"The state file '{file}' ended at byte {position + chunk.Length}; the snapshot recorded {size} bytes (truncated).");
                }
                var chunkEnd = position + chunk.Length;
                for (var i = 0; i < sections.Count; i++)
                {
                    var from = Math.Max(sections[i].Offset, position);
                    var to = Math.Min(sections[i].Offset + sections[i].Size, chunkEnd);
                    if (to > from) hashes[i].Append(chunk.AsSpan((int)(from - position), (int)(to - from)));
                }
                position = chunkEnd;
            }
        }
        finally
        {
            // After a failure, let the reads still in flight end before returning.
            while (reads.TryDequeue(out var pending)) await ((Task)pending).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        for (var i = 0; i < sections.Count; i++)
        {
            if (sections[i].Offset + sections[i].Size > size || hashes[i].Value != sections[i].Checksum)
            {
                throw new InvalidDataException(
                    $"The state file '{file}' is damaged: bytes {sections[i].Offset}-{sections[i].Offset + sections[i].Size - 1} do not match the checksum the snapshot recorded.");
            }
        }
    }

    private static string MetadataFile(string externalPath) => $"{externalPath.TrimEnd('/')}/{CheckpointLayout.MetadataFileName}";
}
