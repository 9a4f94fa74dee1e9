using GrainFlow.Storage;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// The asynchronous half of a subtask's snapshot: serializes the captured tables (on a pool thread,
/// while the subtask keeps processing) and writes them as one data file in <c>chk-n/</c>, or inline in
/// the acknowledgement when they are below the inline threshold; at the same time it uploads the
/// native snapshots (a RocksDB backend's local checkpoint) with <see cref="IncrementalSnapshotUploader"/>.
/// </summary>
/// <remarks>
/// The file is streamed: parts (from <see cref="ObjectParts.FirstPartBytes"/> growing to
/// <see cref="ObjectParts.DefaultPartBytes"/>) are serialized, a couple of parts ahead, while the
/// parts before them upload (in parallel blocks on Azure Blob storage), so memory stays bounded and
/// serialization overlaps with the transfer whatever the size of the state.
/// </remarks>
internal static class SubtaskSnapshotWriter
{
    /// <summary>Parts serialized ahead of the upload (memory: this many parts more per snapshot being written).</summary>
    private const int SerializedAhead = 2;

    /// <param name="directoryKey">The snapshot's directory in <paramref name="store"/>.</param>
    /// <param name="nativeTarget">Where native snapshots go: the same directory, and the job's <c>shared/</c> for a checkpoint.</param>
    public static async Task<IReadOnlyList<OperatorSnapshot>> WriteAsync(
        IReadOnlyList<CapturedOperatorState> captured, IObjectStore store, string directoryKey,
        string vertexUid, int subtaskIndex, long inlineThreshold, StateCodecs codecs, IncrementalSnapshotTarget nativeTarget, CancellationToken cancellation)
    {
        // Both run to their end before a failure is thrown, so that every local checkpoint is deleted whatever failed.
        var native = Task.WhenAll(captured.Select(c => UploadAsync(c.NativeKeyedState, nativeTarget, cancellation)));
        var tables = WriteTablesAsync(captured, store, directoryKey, vertexUid, subtaskIndex, inlineThreshold, codecs, cancellation);
        await Task.WhenAll(native, tables);
        var handles = await native;
        return (await tables).Select((snapshot, i) => handles[i] is { } handle ? snapshot with { IncrementalState = handle } : snapshot).ToList();
    }

    private static async Task<IncrementalKeyedStateHandle?> UploadAsync(INativeKeyedSnapshot? snapshot, IncrementalSnapshotTarget target, CancellationToken cancellation) =>
        snapshot is null ? null : await snapshot.UploadAsync(target, cancellation);

    private static async Task<IReadOnlyList<OperatorSnapshot>> WriteTablesAsync(
        IReadOnlyList<CapturedOperatorState> captured, IObjectStore store, string directoryKey,
        string vertexUid, int subtaskIndex, long inlineThreshold, StateCodecs codecs, CancellationToken cancellation)
    {
        // The inline threshold (at most 1 mb) is not above the first part's size, so the first part
        // tells whether the whole state is small enough to go inline.
        using var file = new SubtaskSnapshotFile(captured, codecs, ObjectParts.FirstPartBytes, ObjectParts.DefaultPartBytes);
        await using var parts = file.Parts(cancellation).GetAsyncEnumerator(cancellation);
        var first = await parts.MoveNextAsync() ? parts.Current : null;
        if (first is null) return file.Snapshots(null, null);
        if (file.Complete && file.Length <= inlineThreshold)
        {
            using (first) return file.Snapshots(null, first.Data);
        }

        var fileName = CheckpointLayout.NewStateFileName(vertexUid, subtaskIndex);
        // The rest is serialized on a thread of its own, a few parts ahead of the write, starting now
        // while the file is created and the first part written: the disk and the serializer then each
        // go at their own pace instead of waiting for each other part by part.
        await using var rest = ObjectParts.ReadAhead(Remaining(parts), SerializedAhead, cancellation);
        var firstHandedOver = false;
        try
        {
            await store.PutPartsAsync(directoryKey + fileName, FirstThenRest(), WriteCondition.IfNotExists, cancellation);
        }
        finally
        {
            // A store that failed before asking for any part never took the first one.
            if (!firstHandedOver) first.Dispose();
        }

        return file.Snapshots(fileName, null);

        // The first part goes straight to the writer: it is ready, and waits for no thread.
        async IAsyncEnumerable<ObjectPart> FirstThenRest()
        {
            firstHandedOver = true;
            yield return first;
            await foreach (var part in rest) yield return part;
        }
    }

    private static async IAsyncEnumerable<ObjectPart> Remaining(IAsyncEnumerator<ObjectPart> parts)
    {
        while (await parts.MoveNextAsync()) yield return parts.Current;
    }
}
