namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// Hands the non-keyed operator state of a snapshot's subtasks to the subtasks of a new attempt:
/// old subtask j goes to new subtask j mod parallelism (round robin, like Flink's list state), so
/// when parallelism shrinks the survivors take over what the vanished subtasks left, and nothing is
/// assigned twice.
/// </summary>
internal static class OperatorStateRedistribution
{
    /// <summary>The old subtask indices of <paramref name="operatorUid"/> that new subtask <paramref name="subtaskIndex"/> takes over, with their state.</summary>
    public static (IReadOnlyList<byte[]> States, IReadOnlyCollection<int> Predecessors) For(
        CheckpointMetadata metadata, string operatorUid, int subtaskIndex, int parallelism)
    {
        var states = new List<byte[]>();
        var predecessors = new SortedSet<int> { subtaskIndex };
        foreach (var vertex in metadata.Vertices)
        {
            foreach (var subtask in vertex.Subtasks.Where(s => s.SubtaskIndex % parallelism == subtaskIndex))
            {
                foreach (var op in subtask.Operators.Where(o => o.OperatorUid == operatorUid))
                {
                    predecessors.Add(subtask.SubtaskIndex);
                    if (op.OperatorState is { } state) states.Add(state);
                }
            }
        }
        return (states, predecessors);
    }
}
