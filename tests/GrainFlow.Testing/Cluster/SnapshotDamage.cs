using System.Text;
using System.Text.RegularExpressions;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Storage;

namespace GrainFlow.Testing.Cluster;

/// <summary>The ways a stored snapshot can be damaged that a restore must detect.</summary>
public enum SnapshotDamageKind
{
    FlippedStateByte,
    TruncatedStateFile,
    MissingStateFile,
    ExtraReferencedStateFile,
    StateFileOutsideTheSnapshot,
    GarbledMetadata,
    ChangedSourceOffset,
}

/// <summary>
/// Damages a stored snapshot (on any object store: a folder, a blob container) the way disks,
/// copies and hand edits do, and says which file a restore's error must name.
/// </summary>
public static partial class SnapshotDamage
{
    /// <summary>Applies <paramref name="kind"/> to the snapshot whose <c>_metadata</c> is at <paramref name="directoryKey"/>; returns the file name the error must contain.</summary>
    public static async Task<string> ApplyAsync(IObjectStore store, string directoryKey, SnapshotDamageKind kind)
    {
        var metadataKey = directoryKey + CheckpointLayout.MetadataFileName;
        var metadataBytes = (await store.GetAsync(metadataKey))!.Data;
        var metadata = CheckpointMetadata.FromBytes(metadataBytes, directoryKey);
        var stateFile = metadata.StateFiles!.First().RelativePath;
        var stateKey = directoryKey + stateFile;
        var state = (await store.GetAsync(stateKey))!.Data;
        switch (kind)
        {
            case SnapshotDamageKind.FlippedStateByte:
                state[state.Length / 2] ^= 0x40;
                await store.PutAsync(stateKey, state);
                return stateFile;
            case SnapshotDamageKind.TruncatedStateFile:
                await store.PutAsync(stateKey, state.AsMemory(0, state.Length - 1));
                return stateFile;
            case SnapshotDamageKind.MissingStateFile:
                await store.DeleteAsync(stateKey);
                return stateFile;
            case SnapshotDamageKind.ExtraReferencedStateFile:
            {
                // A sound copy of a state file, referenced by one more operator, yet in no list of the snapshot's files.
                var extra = $"extra-{Guid.NewGuid():N}.state";
                await store.PutAsync(directoryKey + extra, state);
                await store.PutAsync(metadataKey, WithExtraHandle(metadata, extra).ToBytes());
                return extra;
            }
            case SnapshotDamageKind.StateFileOutsideTheSnapshot:
            {
                var outside = "../" + stateFile;
                await store.PutAsync(metadataKey, WithRenamedFile(metadata, stateFile, outside).ToBytes());
                return outside;
            }
            case SnapshotDamageKind.GarbledMetadata:
                metadataBytes.AsSpan(metadataBytes.Length / 2, 8).Fill((byte)'#');
                await store.PutAsync(metadataKey, metadataBytes);
                return CheckpointLayout.MetadataFileName;
            case SnapshotDamageKind.ChangedSourceOffset:
            {
                var text = Encoding.UTF8.GetString(metadataBytes);
                var offset = SourceOffset().Match(text);
                if (!offset.Success) throw new InvalidOperationException("The snapshot records no source offset.");
                var changed = text[..offset.Groups[2].Index] + (long.Parse(offset.Groups[2].Value) + 1) + text[(offset.Groups[2].Index + offset.Groups[2].Length)..];
                await store.PutAsync(metadataKey, Encoding.UTF8.GetBytes(changed));
                return CheckpointLayout.MetadataFileName;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }

    private static CheckpointMetadata WithExtraHandle(CheckpointMetadata metadata, string extra)
    {
        var done = false;
        return Rewrite(metadata, (_, op) =>
        {
            if (done || op.State is not null) return op;
            var model = metadata.StateHandles().First(h => h.Handle.RelativePath is not null).Handle;
            done = true;
            return op with { State = model with { RelativePath = extra } };
        });
    }

    /// <summary>The metadata with one state file renamed in every handle and in its file list, checksummed anew as a hand edit that knows the format would be.</summary>
    public static CheckpointMetadata WithRenamedFile(CheckpointMetadata metadata, string from, string to) =>
        Rewrite(metadata, (_, op) => op.State?.RelativePath == from ? op with { State = op.State with { RelativePath = to } } : op) with
        {
            StateFiles = metadata.StateFiles!.Select(f => f.RelativePath == from ? f with { RelativePath = to } : f).ToList(),
        };

    private static CheckpointMetadata Rewrite(CheckpointMetadata metadata, Func<SubtaskSnapshot, OperatorSnapshot, OperatorSnapshot> change) => metadata with
    {
        Vertices = metadata.Vertices.Select(v => v with
        {
            Subtasks = v.Subtasks.Select(s => s with { Operators = s.Operators.Select(o => change(s, o)).ToList() }).ToList(),
        }).ToList(),
    };

    [GeneratedRegex("(\"split-\\d+\"\\s*:\\s*)(\\d+)")]
    private static partial Regex SourceOffset();
}
