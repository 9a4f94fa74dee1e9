using GrainFlow.Runtime.Api;
using GrainFlow.Runtime.Channels;

namespace GrainFlow.Runtime.Graph;

/// <summary>
/// One operator of the logical dataflow as the job's Build method declared it: its uid, name,
/// parallelism, its input and how records reach it. Typed subclasses know how to instantiate the
/// operator, so every subtask grain builds its own operators from the same declaration.
/// </summary>
internal abstract class StreamNode(int id, string kind, string name)
{
    public int Id { get; } = id;

    /// <summary>Short operator kind ("map", "source", …) used for generated uids.</summary>
    public string Kind { get; } = kind;

    public string Name { get; set; } = name;

    public string? ExplicitUid { get; set; }

    public string Uid { get; set; } = "";

    public int? ExplicitParallelism { get; set; }

    public int Parallelism { get; set; }

    public StreamNode? Input { get; init; }

    /// <summary>How records reach this node from <see cref="Input"/>; <see cref="PartitionKind.Forward"/> when the node may be chained.</summary>
    public PartitionKind InputPartitioning { get; set; } = PartitionKind.Forward;

    /// <summary>The nodes reading this node's main output (a side output's readers are on its <see cref="SideOutputNode{T}"/>).</summary>
    public List<StreamNode> Consumers { get; } = new();

    /// <summary>The operator whose output this node reads: <see cref="Input"/>, or the operator emitting the side output <see cref="Input"/> stands for.</summary>
    public StreamNode? InputOperator => Input is ISideOutputNode side ? side.Producer : Input;

    /// <summary>The side outputs of this operator that the job reads (<c>GetSideOutput</c>), by tag id.</summary>
    public Dictionary<string, StreamNode> SideOutputs { get; } = new(StringComparer.Ordinal);

    /// <summary>Side outputs this operator emits that the job is expected to read, and the call that declared each (for the warning when none reads it).</summary>
    public IReadOnlyList<(IOutputTag Tag, string DeclaredBy)> SideOutputsToRead => _sideOutputsToRead;

    private readonly List<(IOutputTag Tag, string DeclaredBy)> _sideOutputsToRead = new();

    /// <summary>
    /// Declares that this operator emits <paramref name="tag"/>'s records and the job should read them
    /// (a window's late data, <paramref name="declaredBy"/> = <c>"SideOutputLateData"</c>): building the
    /// graph warns when nothing reads the side output, and checks its element type against the job's other tags.
    /// </summary>
    public void DeclareSideOutputToRead(IOutputTag tag, string declaredBy) => _sideOutputsToRead.Add((tag, declaredBy));

    public abstract Type OutputType { get; }

    public virtual bool IsKeyed => false;

    /// <summary>Creates this node's runtime operator writing into <paramref name="output"/> (an <c>ICollector&lt;TOut&gt;</c>).</summary>
    internal abstract Operators.IStreamOperator Instantiate(object output);

    /// <summary>The untyped entry for batches of this node's input records (chain heads that are not sources).</summary>
    internal abstract IBatchInput CreateBatchInput(Operators.IStreamOperator instance, Operators.RecordTimestamp timestamp);

    /// <summary>Creates the writer of this node's output onto the given edges (an output read in other vertices).</summary>
    internal abstract (object Collector, INetworkOutput Network) CreateNetworkOutput(IEnumerable<object> edgeWriters);

    /// <summary>Creates the writer of this node's output onto one edge; it reads each record's timestamp from the chain's <paramref name="timestamp"/>.</summary>
    internal abstract object CreateEdgeWriter(StreamNode consumer, int senderSubtask, OutputChannel[] channels, int batchSize, int maxParallelism, Operators.RecordTimestamp timestamp);

    /// <summary>A collector of this node's output type that drops everything (an output nobody reads).</summary>
    internal abstract object CreateDiscardingOutput();

    public override string ToString() => $"{Name} ({Uid})";
}
