using GrainFlow.Configuration;
using GrainFlow.Jobs;
using GrainFlow.KeyGroups;
using Microsoft.Extensions.Logging;

namespace GrainFlow.Runtime.Operators;

/// <summary>What an operator instance knows of the subtask it runs in.</summary>
internal sealed record OperatorContext(
    JobId JobId,
    string JobName,
    long Attempt,
    string VertexUid,
    int SubtaskIndex,
    int Parallelism,
    int MaxParallelism,
    GrainFlowConfiguration Configuration,
    IServiceProvider Services,
    TimeProvider Time,
    ILogger Logger,
    OperatorRestore? Restore = null)
{
    /// <summary>The timestamp of the record in flight, shared by the operators of the chain.</summary>
    public RecordTimestamp Timestamp { get; init; } = new();

    /// <summary>Where this operator's side outputs go (see <see cref="ISideOutputs.For{T}"/>).</summary>
    public ISideOutputs SideOutputs { get; init; } = SideOutputCollectors.None;

    public KeyGroupRange KeyGroups => KeyGroupAssignment.RangeForSubtask(SubtaskIndex, Parallelism, MaxParallelism);

    public long NowMs => Time.GetUtcNow().ToUnixTimeMilliseconds();
}

/// <summary>
/// The state an operator starts from: keyed-state sections of the old subtasks that held its key
/// groups (the canonical format), or their downloaded RocksDB instances (<see cref="RocksDbState"/>: incremental
/// checkpoints and native savepoints of the RocksDB backend), source offsets, and the non-keyed operator state of the
/// old subtasks it takes over (<see cref="PredecessorSubtasks"/>: its own index, plus those that vanish when parallelism shrinks).
/// </summary>
internal sealed record OperatorRestore(
    IReadOnlyList<State.RestoredKeyedState> KeyedState,
    IReadOnlyDictionary<string, long> SourceOffsets,
    IReadOnlyList<byte[]> OperatorStates,
    IReadOnlyCollection<int> PredecessorSubtasks,
    IReadOnlyList<State.RocksDb.RocksDbRestoreSource>? RocksDbState = null) : IDisposable
{
    /// <summary>Deletes the downloaded RocksDB state no backend took (an attempt superseded before it opened).</summary>
    public void Dispose()
    {
        foreach (var source in RocksDbState ?? []) source.Dispose();
    }
}
