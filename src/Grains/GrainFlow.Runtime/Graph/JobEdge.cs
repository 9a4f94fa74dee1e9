using GrainFlow.Runtime.Channels;

namespace GrainFlow.Runtime.Graph;

/// <summary>A connection between two vertices: every source subtask has one channel to each target subtask it may send to.</summary>
internal sealed record JobEdge(int Index, JobVertex Source, JobVertex Target, PartitionKind Partitioning)
{
    /// <summary>The output the edge carries: the producing operator itself (its main output) or one of its <see cref="SideOutputNode{T}"/>s.</summary>
    public StreamNode Output => Target.Chain[0].Input!;

    /// <summary>The side output the edge carries, or null for the main output.</summary>
    public Api.IOutputTag? SideOutput => (Output as ISideOutputNode)?.Tag;

    /// <summary>Target subtasks that source subtask <paramref name="sourceSubtask"/> sends to.</summary>
    public IEnumerable<int> TargetsOf(int sourceSubtask) =>
        Partitioning == PartitionKind.Forward ? [sourceSubtask] : Enumerable.Range(0, Target.Parallelism);

    /// <summary>How many source subtasks send to one target subtask.</summary>
    public int SendersPerTarget => Partitioning == PartitionKind.Forward ? 1 : Source.Parallelism;

    /// <summary>Source subtasks that send to target subtask <paramref name="targetSubtask"/>.</summary>
    public IEnumerable<int> SendersOf(int targetSubtask) =>
        Partitioning == PartitionKind.Forward ? [targetSubtask] : Enumerable.Range(0, Source.Parallelism);
}
