using System.IO.Hashing;
using GrainFlow.Jobs;
using GrainFlow.Storage;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// The asynchronous half of a subtask's snapshot: serializes the captured state (on a pool thread,
/// while the subtask keeps processing) and writes it as one data file in <c>chk-n/</c>, or inline in
/// the acknowledgement when it is below the inline threshold.
/// </summary>
internal static class SubtaskSnapshotWriter
{
    public static async Task<IReadOnlyList<OperatorSnapshot>> WriteAsync(
        IReadOnlyList<CapturedOperatorState> captured, IObjectStore store, string directoryKey,
        string vertexUid, int subtaskIndex, long inlineThreshold, StateCodecs codecs, CancellationToken cancellation)
    {
        var sections = captured.Select(c => c.KeyGroups is { } range && c.Tables.Count > 0
            ? KeyedStateFormat.Write(c.Tables, range, codecs)
            : ((byte[] Data, Dictionary<int, long> KeyGroupOffsets)?)null).ToList();
        var total = sections.Sum(s => (long)(s?.Data.Length ?? 0));
        var inline = total <= inlineThreshold;
        var fileName = $"{vertexUid}-{subtaskIndex}-{Guid.NewGuid():N}.state";
        var file = inline ? null : new MemoryStream((int)Math.Min(total, int.MaxValue));
        var snapshots = new List<OperatorSnapshot>();
        for (var i = 0; i < captured.Count; i++)
        {
            StateHandle? handle = null;
            if (sections[i] is { } section)
            {
                var checksum = XxHash64.HashToUInt64(section.Data);
                if (inline)
                {
                    handle = new StateHandle(null, section.Data, 0, section.Data.Length, checksum, section.KeyGroupOffsets);
                }
                else
                {
                    handle = new StateHandle(fileName, null, file!.Position, section.Data.Length, checksum, section.KeyGroupOffsets);
                    file.Write(section.Data);
                }
            }
            snapshots.Add(new OperatorSnapshot(captured[i].OperatorUid, captured[i].KeyGroups, handle, captured[i].SourceOffsets, captured[i].OperatorState));
        }
        if (file is not null)
        {
            await store.PutAsync(directoryKey + fileName, file.GetBuffer().AsMemory(0, (int)file.Length), WriteCondition.IfNotExists, cancellation);
        }
        return snapshots;
    }

    /// <summary>Reads one operator section back (checked against its checksum).</summary>
    public static async Task<byte[]> ReadAsync(StateHandle handle, IObjectStore store, string directoryKey, string location, CancellationToken cancellation)
    {
        var data = handle.InlineData
            ?? await store.ReadRangeAsync(directoryKey + handle.RelativePath, handle.Offset, checked((int)handle.Size), cancellation)
            ?? throw new InvalidDataException($"The state file '{handle.RelativePath}' of the snapshot at '{location}' is missing.");
        if (data.Length != handle.Size || XxHash64.HashToUInt64(data) != handle.Checksum)
        {
            throw new InvalidDataException($"The state in '{handle.RelativePath ?? "_metadata"}' of the snapshot at '{location}' is damaged (size or checksum differs).");
        }
        return data;
    }
}
