using GrainFlow.Errors;
using GrainFlow.KeyGroups;
using GrainFlow.Runtime.Api;
using GrainFlow.Runtime.Channels;

namespace GrainFlow.Runtime.Graph;

/// <summary>
/// The physical plan of a job: operators chained into vertices, vertices joined by edges, the job's
/// max parallelism, and the warnings found while building it (operators without a uid, side outputs declared to be read and never read).
/// </summary>
internal sealed class JobGraph
{
    private JobGraph(IReadOnlyList<JobVertex> vertices, IReadOnlyList<JobEdge> edges, int maxParallelism, IReadOnlyList<string> warnings,
        GrainFlow.Configuration.GrainFlowConfiguration configuration, IReadOnlyCollection<GrainFlow.Configuration.ConfigOption> parametersRead)
    {
        ParametersRead = parametersRead;
        Configuration = configuration;
        Vertices = vertices;
        Edges = edges;
        MaxParallelism = maxParallelism;
        Warnings = warnings;
    }

    public IReadOnlyList<JobVertex> Vertices { get; }

    public IReadOnlyList<JobEdge> Edges { get; }

    public int MaxParallelism { get; }

    public IReadOnlyList<string> Warnings { get; }

    /// <summary>The job's effective configuration, including what its Build method set in code.</summary>
    public GrainFlow.Configuration.GrainFlowConfiguration Configuration { get; }

    /// <summary>The options the job's Build method read (its parameters among them).</summary>
    public IReadOnlyCollection<GrainFlow.Configuration.ConfigOption> ParametersRead { get; }

    public IEnumerable<JobVertex> SourceVertices => Vertices.Where(v => v.IsSource);

    public JobVertex Vertex(string uid) =>
        Vertices.FirstOrDefault(v => v.Uid == uid) ?? throw new InvalidOperationException($"The job has no vertex '{uid}'.");

    /// <summary>Validates the dataflow declared in <paramref name="env"/> and chains it into vertices.</summary>
    /// <exception cref="JobConfigurationException">The dataflow cannot run (no source, duplicate uids, bad parallelism, a side output id with two element types).</exception>
    public static JobGraph Build(StreamExecutionEnvironment env)
    {
        var nodes = env.Nodes;
        if (!nodes.Any(n => n is ISourceNode)) throw new JobConfigurationException("The job declares no source: call env.FromSource(...) in its Build method.");
        var warnings = new List<string>();
        AssignUids(nodes, warnings);
        CheckSideOutputs(nodes, warnings);
        var maxParallelism = AssignParallelism(env, nodes);
        var chainOf = new Dictionary<StreamNode, List<StreamNode>>();
        var chains = new List<List<StreamNode>>();
        foreach (var node in nodes)
        {
            if (node.InputOperator is { } producer && node.InputPartitioning == PartitionKind.Forward && node.Parallelism != producer.Parallelism)
            {
                node.InputPartitioning = PartitionKind.Rebalance; // Flink's rule: a forward edge between different parallelisms rebalances
            }
            if (CanChain(node))
            {
                var chain = chainOf[node.InputOperator!];
                chain.Add(node);
                chainOf[node] = chain;
            }
            else
            {
                var chain = new List<StreamNode> { node };
                chains.Add(chain);
                chainOf[node] = chain;
            }
        }
        var vertices = chains.Select((chain, i) => new JobVertex(i, chain, chain[0].Parallelism)).ToList();
        var vertexOf = vertices.SelectMany(v => v.Chain.Select(n => (Node: n, Vertex: v))).ToDictionary(e => e.Node, e => e.Vertex);
        var edges = new List<JobEdge>();
        foreach (var vertex in vertices)
        {
            if (vertex.Chain[0].InputOperator is not { } producer) continue;
            var source = vertexOf[producer];
            var edge = new JobEdge(edges.Count, source, vertex, vertex.Chain[0].InputPartitioning);
            edges.Add(edge);
            source.Outputs.Add(edge);
            vertex.Inputs.Add(edge);
        }
        return new JobGraph(vertices, edges, maxParallelism, warnings, env.Configuration, env.ParametersRead.ToList());
    }

    /// <summary>
    /// A node joins its producer's vertex when it reads one of the producer's outputs (the main output or
    /// one side output) forward, at the same parallelism, and is the only reader of that output. A vertex
    /// is then a tree: an operator may pass its main output and each side output to a chained operator,
    /// and sends the outputs that several operators (or other vertices) read over edges.
    /// </summary>
    private static bool CanChain(StreamNode node) =>
        node.InputOperator is { } producer
        && node is not ISourceNode
        && node.InputPartitioning == PartitionKind.Forward
        && node.Input!.Consumers.Count == 1
        && producer.Parallelism == node.Parallelism;

    /// <summary>One element type per side output id in the job; a side output declared to be read (late data) and never read is a warning.</summary>
    private static void CheckSideOutputs(IReadOnlyList<StreamNode> nodes, List<string> warnings)
    {
        var firstUse = new Dictionary<string, (IOutputTag Tag, StreamNode Operator)>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            var tags = node.SideOutputs.Values.Select(s => ((ISideOutputNode)s).Tag).Concat(node.SideOutputsToRead.Select(d => d.Tag));
            foreach (var tag in tags)
            {
                if (firstUse.TryAdd(tag.Id, (tag, node)) || firstUse[tag.Id].Tag.ElementType == tag.ElementType) continue;
                var (first, owner) = firstUse[tag.Id];
                throw new JobConfigurationException(
                    $"Side output id '{tag.Id}' has two element types: {first} on '{owner.Name}' ({owner.Uid}) and {tag} on '{node.Name}' ({node.Uid}). Give each side output its own id.");
            }
            foreach (var (tag, declaredBy) in node.SideOutputsToRead)
            {
                if (node.SideOutputs.TryGetValue(tag.Id, out var read) && read.Consumers.Count > 0) continue;
                // Refused, not warned: the records sent there (late data) would be lost without a trace.
                throw new JobConfigurationException(
                    $"Operator '{node.Name}' ({node.Uid}) sends records to side output '{tag.Id}' ({declaredBy}), but the job never reads it, so they would be lost. " +
                    $"Read them with GetSideOutput({tag}) on the operator's stream and give that stream a consumer (e.g. a sink), or remove {declaredBy}.");
            }
        }
    }

    private static void AssignUids(IReadOnlyList<StreamNode> nodes, List<string> warnings)
    {
        var owners = new Dictionary<string, StreamNode>(StringComparer.Ordinal);
        foreach (var node in nodes.Where(n => n.ExplicitUid is not null))
        {
            if (owners.TryGetValue(node.ExplicitUid!, out var other))
            {
                throw new JobConfigurationException($"The uid '{node.ExplicitUid}' is set on two operators ('{other.Name}' and '{node.Name}'): every operator needs its own uid.");
            }
            owners.Add(node.ExplicitUid!, node);
            node.Uid = node.ExplicitUid!;
        }
        foreach (var node in nodes.Where(n => n.ExplicitUid is null))
        {
            // Deterministic: the same Build method yields the same ids in every silo and every run,
            // but inserting an operator shifts them, hence the warning.
            var uid = $"{node.Kind}-{node.Id}";
            while (owners.ContainsKey(uid)) uid += "_";
            owners.Add(uid, node);
            node.Uid = uid;
            warnings.Add($"Operator '{node.Name}' has no uid; using the generated uid '{uid}'. Set .Uid(\"...\") on it so that its state can be restored after the job changes.");
        }
    }

    private static int AssignParallelism(StreamExecutionEnvironment env, IReadOnlyList<StreamNode> nodes)
    {
        foreach (var node in nodes)
        {
            var parallelism = node.ExplicitParallelism ?? env.Parallelism;
            if (parallelism < 1)
            {
                throw new JobConfigurationException($"Operator '{node.Name}' ({node.Uid}) has parallelism {parallelism}; the parallelism must be at least 1.");
            }
            node.Parallelism = parallelism;
        }
        var maxParallelism = env.MaxParallelism ?? KeyGroupAssignment.DefaultMaxParallelism(nodes.Max(n => n.Parallelism));
        if (maxParallelism is < 1 or > KeyGroupAssignment.UpperBoundMaxParallelism)
        {
            throw new JobConfigurationException($"The max parallelism {maxParallelism} is out of range: it must be from 1 to {KeyGroupAssignment.UpperBoundMaxParallelism}.");
        }
        foreach (var node in nodes.Where(n => n.Parallelism > maxParallelism))
        {
            throw new JobConfigurationException(
                $"Operator '{node.Name}' ({node.Uid}) has parallelism {node.Parallelism}, above the job's max parallelism {maxParallelism}. Lower the parallelism or raise pipeline.max-parallelism.");
        }
        return maxParallelism;
    }
}
