using GrainFlow.Configuration;
using GrainFlow.KeyGroups;
using GrainFlow.Runtime.Configuration;
using GrainFlow.Runtime.Operators;
using GrainFlow.Runtime.State;
using GrainFlow.Runtime.State.RocksDb;
using Microsoft.Extensions.Logging;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// Finds, in a completed checkpoint, the state each operator of a subtask starts from: the keyed
/// state of every old subtask whose key groups overlap this subtask's (so a different parallelism
/// just reads other sections, or copies other key groups of the RocksDB instances it downloads), and
/// the offsets of all splits of a source (its reader keeps its own).
/// </summary>
internal static class SubtaskStateRestorer
{
    /// <param name="configuration">The job's: its state backend (incremental RocksDB state restores only into RocksDB) and RocksDB local directory.</param>
    /// <param name="localRecovery">The job's local copies of RocksDB checkpoints on this silo, used instead of downloading where they match; null when local recovery is off.</param>
    /// <exception cref="InvalidDataException">The snapshot is missing, damaged, or holds RocksDB's own format and the job's backend is not RocksDB.</exception>
    public static async Task<(CheckpointMetadata Metadata, Dictionary<string, OperatorRestore> Operators)> LoadAsync(
        CheckpointStorage storage, string directoryKey, string externalPath, IEnumerable<(string Uid, bool Keyed)> operators, int subtaskIndex, int parallelism, KeyGroupRange keyGroups,
        StateCodecs codecs, GrainFlowConfiguration configuration, LocalRecoveryConfig? localRecovery, ILogger logger, CancellationToken cancellation)
    {
        var stored = await storage.Store.GetAsync(directoryKey + CheckpointLayout.MetadataFileName, cancellation)
            ?? throw new InvalidDataException($"Cannot find meta data file '_metadata' in directory '{externalPath}'.");
        var metadata = CheckpointMetadata.FromBytes(stored.Data, externalPath);
        var result = new Dictionary<string, OperatorRestore>();
        try
        {
            foreach (var (uid, keyed) in operators)
            {
                var snapshots = metadata.OperatorSnapshots(uid).ToList();
                var offsets = new Dictionary<string, long>();
                foreach (var snapshot in snapshots)
                {
                    foreach (var (split, offset) in snapshot.SourceOffsets ?? new Dictionary<string, long>()) offsets[split] = offset;
                }
                var keyedState = new List<RestoredKeyedState>();
                IReadOnlyList<RocksDbRestoreSource>? rocksDbState = null;
                if (keyed)
                {
                    var overlapping = snapshots.Where(s => s.KeyGroups is { } range && Overlaps(range, keyGroups)).ToList();
                    if (overlapping.Where(s => s.IncrementalState is not null).ToList() is { Count: > 0 } native)
                    {
                        rocksDbState = await DownloadAsync(native, uid, new SnapshotLocation(storage.Store, directoryKey, externalPath), configuration, localRecovery, logger,
                            cancellation);
                    }
                    foreach (var snapshot in overlapping.Where(s => s.State is not null))
                    {
                        keyedState.Add(await KeyedStateReader.ReadAsync(snapshot.State!, storage.Store, directoryKey, externalPath, keyGroups, codecs, cancellation));
                    }
                }
                var (operatorStates, predecessors) = OperatorStateRedistribution.For(metadata, uid, subtaskIndex, parallelism);
                result[uid] = new OperatorRestore(keyedState, offsets, operatorStates, predecessors, rocksDbState);
            }
        }
        catch
        {
            foreach (var restore in result.Values) restore.Dispose();
            throw;
        }
        return (metadata, result);
    }

    /// <summary>The RocksDB instances of the old subtasks, downloaded (or taken from their local copies) under the job's RocksDB local directory.</summary>
    private static async Task<IReadOnlyList<RocksDbRestoreSource>> DownloadAsync(List<OperatorSnapshot> snapshots, string uid, SnapshotLocation location,
        GrainFlowConfiguration configuration, LocalRecoveryConfig? localRecovery, ILogger logger, CancellationToken cancellation)
    {
        // Never a silently empty restore: these files are RocksDB's own format.
        if (configuration.Get(CheckpointingOptions.StateBackend) != StateBackendType.Rocksdb) throw new InvalidDataException(RocksDbOnly(uid, location.ExternalPath));
        return await RocksDbStateDownloader.DownloadAsync(snapshots, location, configuration,
            RocksDbKeyedStateBackendFactory.Options(configuration).LocalDirectory, localRecovery, logger, cancellation);
    }

    /// <summary>
    /// Why a job with <paramref name="configuration"/> cannot restore <paramref name="metadata"/>: it holds RocksDB's own format
    /// (incremental checkpoints, native savepoints of the RocksDB backend) and the job's backend is not RocksDB; null when it can.
    /// </summary>
    public static string? BackendProblem(CheckpointMetadata metadata, string externalPath, GrainFlowConfiguration configuration) =>
        configuration.Get(CheckpointingOptions.StateBackend) != StateBackendType.Rocksdb
        && metadata.Vertices.SelectMany(v => v.Subtasks).SelectMany(s => s.Operators).FirstOrDefault(o => o.IncrementalState is not null) is { } native
            ? RocksDbOnly(native.OperatorUid, externalPath)
            : null;

    private static string RocksDbOnly(string uid, string externalPath) =>
        $"The state of operator '{uid}' in '{externalPath}' is an incremental snapshot of the RocksDB state backend, which restores only into state.backend.type=rocksdb; "
        + "to move the job to another backend, take a canonical savepoint.";

    private static bool Overlaps(KeyGroupRange a, KeyGroupRange b) => a.StartKeyGroup <= b.EndKeyGroup && b.StartKeyGroup <= a.EndKeyGroup;
}
