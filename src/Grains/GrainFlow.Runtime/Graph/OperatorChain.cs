using GrainFlow.Runtime.Channels;
using GrainFlow.Runtime.Operators;

namespace GrainFlow.Runtime.Graph;

/// <summary>
/// One subtask's instance of a vertex's chain (Flink's OperatorChain): the operators in chain order, each
/// wired to its outputs. An operator's main output and each side output the job reads go to the operator
/// chained to that output in this vertex, else onto the edges of its readers in other vertices, else nowhere.
/// </summary>
internal sealed class OperatorChain
{
    private readonly Dictionary<IStreamOperator, ISideOutputs> _sideOutputs;

    private OperatorChain(IReadOnlyList<IStreamOperator> operators, Dictionary<IStreamOperator, ISideOutputs> sideOutputs, INetworkOutput? network)
    {
        Operators = operators;
        _sideOutputs = sideOutputs;
        Network = network;
    }

    public IReadOnlyList<IStreamOperator> Operators { get; }

    /// <summary>Every edge writer of the chain, or null when the vertex has no outgoing edges.</summary>
    public INetworkOutput? Network { get; }

    /// <summary>Where <paramref name="op"/>'s side outputs go; its <see cref="OperatorContext.SideOutputs"/>.</summary>
    public ISideOutputs SideOutputsOf(IStreamOperator op) => _sideOutputs[op];

    /// <param name="channelsOf">The output channels of this subtask on an outgoing edge.</param>
    public static OperatorChain Create(JobVertex vertex, int subtaskIndex, int batchSize, int maxParallelism, Func<JobEdge, OutputChannel[]> channelsOf)
    {
        var instances = new Dictionary<StreamNode, IStreamOperator>();
        var networks = new List<INetworkOutput>();

        // An output's reader in this vertex comes after its producer in the chain, so it exists already.
        object CollectorOf(StreamNode output)
        {
            if (output.Consumers.FirstOrDefault(instances.ContainsKey) is { } chained) return instances[chained];
            var edges = vertex.Outputs.Where(e => e.Output == output).ToList();
            if (edges.Count == 0) return output.CreateDiscardingOutput();
            var (collector, network) = output.CreateNetworkOutput(
                edges.Select(e => output.CreateEdgeWriter(e.Target.Chain[0], subtaskIndex, channelsOf(e), batchSize, maxParallelism)).ToList());
            networks.Add(network);
            return collector;
        }

        var operators = new IStreamOperator[vertex.Chain.Count];
        var sideOutputs = new Dictionary<IStreamOperator, ISideOutputs>(ReferenceEqualityComparer.Instance);
        for (var i = vertex.Chain.Count - 1; i >= 0; i--)
        {
            var node = vertex.Chain[i];
            var op = node.Instantiate(CollectorOf(node));
            sideOutputs[op] = node.SideOutputs.Count == 0
                ? SideOutputCollectors.None
                : new SideOutputCollectors(node.Name, node.SideOutputs.ToDictionary(e => e.Key, e => (e.Value.OutputType, CollectorOf(e.Value)), StringComparer.Ordinal));
            instances[node] = op;
            operators[i] = op;
        }
        var network = networks.Count switch
        {
            0 => null,
            1 => networks[0],
            _ => new CompositeNetworkOutput(networks),
        };
        return new OperatorChain(operators, sideOutputs, network);
    }
}
