using GrainFlow.Storage;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// The asynchronous half of a subtask's snapshot: serializes the captured state (on a pool thread,
/// while the subtask keeps processing) and writes it as one data file in <c>chk-n/</c>, or inline in
/// the acknowledgement when it is below the inline threshold.
/// </summary>
/// <remarks>
/// The file is streamed: parts (from <see cref="ObjectParts.FirstPartBytes"/> growing to
/// <see cref="ObjectParts.DefaultPartBytes"/>) are serialized while the parts before them upload (in parallel blocks on Azure Blob storage), so memory stays bounded and
/// serialization overlaps with the transfer whatever the size of the state.
/// </remarks>
internal static class SubtaskSnapshotWriter
{
    public static async Task<IReadOnlyList<OperatorSnapshot>> WriteAsync(
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

        var fileName = $"{vertexUid}-{subtaskIndex}-{Guid.NewGuid():N}.state";
        await store.PutPartsAsync(directoryKey + fileName, FirstThenRest(first, parts), WriteCondition.IfNotExists, cancellation);
        return file.Snapshots(fileName, null);
    }

    private static async IAsyncEnumerable<ObjectPart> FirstThenRest(ObjectPart first, IAsyncEnumerator<ObjectPart> rest)
    {
        yield return first;
        while (await rest.MoveNextAsync()) yield return rest.Current;
    }
}
