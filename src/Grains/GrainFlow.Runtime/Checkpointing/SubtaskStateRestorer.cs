using GrainFlow.KeyGroups;
using GrainFlow.Runtime.Operators;
using GrainFlow.Runtime.State;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// Finds, in a completed checkpoint, the state each operator of a subtask starts from: the keyed
/// state of every old subtask whose key groups overlap this subtask's (so a different parallelism
/// just reads other sections), and the offsets of all splits of a source (its reader keeps its own).
/// </summary>
internal static class SubtaskStateRestorer
{
    public static async Task<(CheckpointMetadata Metadata, Dictionary<string, OperatorRestore> Operators)> LoadAsync(
        CheckpointStorage storage, string directoryKey, string externalPath, IEnumerable<(string Uid, bool Keyed)> operators, int subtaskIndex, int parallelism, KeyGroupRange keyGroups,
        StateCodecs codecs, CancellationToken cancellation)
    {
        var stored = await storage.Store.GetAsync(directoryKey + CheckpointLayout.MetadataFileName, cancellation)
            ?? throw new InvalidDataException($"Cannot find meta data file '_metadata' in directory '{externalPath}'.");
        var metadata = CheckpointMetadata.FromBytes(stored.Data, externalPath);
        var result = new Dictionary<string, OperatorRestore>();
        foreach (var (uid, keyed) in operators)
        {
            var snapshots = metadata.OperatorSnapshots(uid).ToList();
            var offsets = new Dictionary<string, long>();
            foreach (var snapshot in snapshots)
            {
                foreach (var (split, offset) in snapshot.SourceOffsets ?? new Dictionary<string, long>()) offsets[split] = offset;
            }
            var keyedState = new List<RestoredKeyedState>();
            if (keyed)
            {
                if (snapshots.FirstOrDefault(s => s.IncrementalState is not null && s.KeyGroups is { } range && Overlaps(range, keyGroups)) is { } native)
                {
                    // Never a silently empty restore: these files are RocksDB's own format.
                    throw new InvalidDataException(
                        $"The state of operator '{uid}' in '{externalPath}' is an incremental snapshot of the RocksDB state backend, which restores only into state.backend.type=rocksdb; to move the job to another backend, take a canonical savepoint.");
                }
                foreach (var snapshot in snapshots.Where(s => s.State is not null && s.KeyGroups is { } range && Overlaps(range, keyGroups)))
                {
                    keyedState.Add(await KeyedStateReader.ReadAsync(snapshot.State!, storage.Store, directoryKey, externalPath, keyGroups, codecs, cancellation));
                }
            }
            var (operatorStates, predecessors) = OperatorStateRedistribution.For(metadata, uid, subtaskIndex, parallelism);
            result[uid] = new OperatorRestore(keyedState, offsets, operatorStates, predecessors);
        }
        return (metadata, result);
    }

    private static bool Overlaps(KeyGroupRange a, KeyGroupRange b) => a.StartKeyGroup <= b.EndKeyGroup && b.StartKeyGroup <= a.EndKeyGroup;
}
