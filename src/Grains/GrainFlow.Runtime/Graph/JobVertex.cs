namespace GrainFlow.Runtime.Graph;

/// <summary>
/// A chain of operators that runs in one subtask grain per parallel instance (Flink's JobVertex):
/// records pass between chained operators as plain method calls, and only cross vertices on channels.
/// </summary>
internal sealed class JobVertex(int index, IReadOnlyList<StreamNode> chain, int parallelism)
{
    public int Index { get; } = index;

    /// <summary>The uid of the chain's first operator; names the vertex's subtask grains.</summary>
    public string Uid => Chain[0].Uid;

    public string Name => string.Join(" -> ", Chain.Select(n => n.Name));

    /// <summary>
    /// The vertex's operators in declaration order, the head first; each later one reads an output (main or
    /// side) of an earlier one, so with chained side outputs the chain is a tree, not a line.
    /// </summary>
    public IReadOnlyList<StreamNode> Chain { get; } = chain;

    public int Parallelism { get; } = parallelism;

    public List<JobEdge> Inputs { get; } = new();

    public List<JobEdge> Outputs { get; } = new();

    public bool IsSource => Chain[0] is ISourceNode;

    public override string ToString() => $"{Name} [{Uid}] x{Parallelism}";
}

/// <summary>Marks source nodes without naming their record type.</summary>
internal interface ISourceNode;
