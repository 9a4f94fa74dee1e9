using System.Diagnostics;
using GrainFlow.Runtime.Channels;
using GrainFlow.Runtime.Diagnostics;
using GrainFlow.Runtime.Graph;
using GrainFlow.Runtime.Operators;
using GrainFlow.Runtime.Sinks;

namespace GrainFlow.Runtime.Tasks;

/// <summary>
/// The operators of one subtask in chain order, each wired to its outputs, and the network output
/// (Flink's OperatorChain). An operator's main output and each side output the job reads go to the
/// operator chained to that output in this vertex, else onto the edges of its readers in other
/// vertices, else nowhere. Every chain-wide step calls one lifecycle hook on each operator in order;
/// the chain never asks what an operator is.
/// </summary>
internal sealed class OperatorChain
{
    private readonly IBatchInput? _input;
    private readonly IReadOnlyDictionary<IStreamOperator, ISideOutputs> _sideOutputs;
    private bool _closed;

    public OperatorChain(IReadOnlyList<IStreamOperator> operators, IBatchInput? input, INetworkOutput? network,
        IReadOnlyDictionary<IStreamOperator, ISideOutputs>? sideOutputs = null)
    {
        Operators = operators;
        _input = input;
        Network = network;
        Source = operators[0] as SourceDriver;
        _sideOutputs = sideOutputs ?? new Dictionary<IStreamOperator, ISideOutputs>();
        Watermarks = new WatermarkForwarder(operators, network);
        HasWatermarkEmitters = operators.Any(op => op is IWatermarkEmitter);
    }

    /// <summary>Carries watermarks and watermark statuses through the chain and then downstream.</summary>
    public WatermarkForwarder Watermarks { get; }

    /// <summary>Whether an operator of the chain makes watermarks (a source with a strategy, a timestamp assigner): then they are emitted periodically.</summary>
    public bool HasWatermarkEmitters { get; }

    public IReadOnlyList<IStreamOperator> Operators { get; }

    /// <summary>The head of a source vertex; null when the chain reads input channels.</summary>
    public SourceDriver? Source { get; }

    /// <summary>Where the last operator's records go to other subtasks; null when the vertex has no consumers.</summary>
    public INetworkOutput? Network { get; }

    public IEnumerable<OutputChannel> Channels => Network?.Channels ?? [];

    /// <summary>Where the chain's busy and back-pressured time go (null: not measured).</summary>
    public SubtaskMetricGroup? Metrics { get; init; }

    /// <summary>Where <paramref name="op"/>'s side outputs go; its <see cref="OperatorContext.SideOutputs"/>.</summary>
    public ISideOutputs SideOutputsOf(IStreamOperator op) => _sideOutputs.GetValueOrDefault(op, SideOutputCollectors.None);

    /// <summary>Instantiates <paramref name="vertex"/>'s operators (a tree: side outputs may be chained) for one subtask.</summary>
    /// <param name="channelsOf">The output channels of this subtask on an outgoing edge.</param>
    /// <param name="timestamp">The chain's timestamp slot: the input sets it per record, the edge writers read it.</param>
    public static OperatorChain Create(JobVertex vertex, int subtaskIndex, int batchSize, int maxParallelism, RecordTimestamp timestamp, Func<JobEdge, OutputChannel[]> channelsOf,
        SubtaskMetricGroup? metrics = null)
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
                edges.Select(e => output.CreateEdgeWriter(e.Target.Chain[0], subtaskIndex, channelsOf(e), batchSize, maxParallelism, timestamp)).ToList());
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
        var input = vertex.IsSource ? null : vertex.Chain[0].CreateBatchInput(operators[0], timestamp);
        return new OperatorChain(operators, input, network, sideOutputs) { Metrics = metrics };
    }

    /// <summary>Opens every operator with <paramref name="context"/>, each with its own part of <paramref name="restore"/> (by uid).</summary>
    public void Open(OperatorContext context, IReadOnlyDictionary<string, OperatorRestore>? restore)
    {
        foreach (var op in Operators) op.Open(context with { Restore = restore?.GetValueOrDefault(op.Uid), SideOutputs = SideOutputsOf(op) });
    }

    /// <summary>Each operator's restore work that needs I/O, in chain order; stops between operators once <paramref name="cancellation"/> is cancelled.</summary>
    public async Task InitializeStateAsync(CancellationToken cancellation)
    {
        foreach (var op in Operators)
        {
            if (cancellation.IsCancellationRequested) return;
            await op.InitializeStateAsync();
        }
    }

    /// <summary>Feeds the records of one input batch (a <c>T[]</c>, with their timestamps) into the head operator.</summary>
    public void ProcessRecords(ChannelBatch batch) =>
        (_input ?? throw new InvalidOperationException($"Operator '{Operators[0].Uid}' is a source: it has no input channels.")).Process(batch);

    /// <summary>After each batch: let the operators flush (sinks), then wait while any output channel is full (backpressure).</summary>
    public async Task AfterBatchAsync()
    {
        await FlushAsync(FlushReason.BatchEnd);
        foreach (var channel in Channels)
        {
            if (channel.HasCapacity) continue;
            var waitStart = Stopwatch.GetTimestamp();
            await channel.WaitForCapacityAsync();
            Metrics?.AddBackPressuredSince(waitStart);
        }
    }

    /// <summary>The buffer timeout: partly filled batches go out, due processing-time timers fire, sinks flush.</summary>
    public async Task OnProcessingTimeAsync(long nowMs)
    {
        Network?.FlushAll(null);
        foreach (var op in Operators) op.OnProcessingTime(nowMs);
        await FlushAsync(FlushReason.BufferTimeout);
    }

    /// <summary>
    /// Every input ended: the operators emit what they hold, end-of-input follows on every channel,
    /// the operators flush, and this returns once every channel delivered everything (throwing a
    /// channel's failure).
    /// </summary>
    public async Task EndInputAsync()
    {
        foreach (var op in Operators) op.EndInput();
        Network?.FlushAll(EndOfInput.Instance);
        await FlushAsync(FlushReason.EndOfInput);
        foreach (var channel in Channels) await channel.WaitUntilDrainedAsync();
        if (Channels.FirstOrDefault(c => c.Failure is not null) is { } failed) throw failed.Failure!;
    }

    /// <summary>
    /// The synchronous part of a checkpoint: every operator's state, frozen, in chain order. When an operator fails,
    /// the local checkpoints the operators before it took are deleted and the failure is thrown.
    /// </summary>
    public IReadOnlyList<OperatorSnapshotResult> SnapshotState(CheckpointBarrier barrier)
    {
        var results = new OperatorSnapshotResult[Operators.Count];
        for (var i = 0; i < results.Length; i++)
        {
            try
            {
                results[i] = Operators[i].SnapshotState(barrier);
            }
            catch
            {
                foreach (var taken in results.Take(i)) taken.Captured.NativeKeyedState?.Dispose();
                throw;
            }
        }
        return results;
    }

    /// <summary>Tells every operator in chain order; the first failure stops the rest and is thrown.</summary>
    public async Task NotifyCheckpointCompleteAsync(long checkpointId)
    {
        foreach (var op in Operators) await op.NotifyCheckpointCompleteAsync(checkpointId);
    }

    /// <summary>The operator with <paramref name="uid"/>, or null.</summary>
    public IStreamOperator? Find(string uid) => Operators.FirstOrDefault(o => o.Uid == uid);

    /// <summary>Releases every operator's resources, once; a failing close is reported to <paramref name="onFailure"/> and the others still close.</summary>
    public void Close(Action<IStreamOperator, Exception> onFailure)
    {
        if (_closed) return;
        _closed = true;
        foreach (var op in Operators)
        {
            try
            {
                op.Close();
            }
            catch (Exception e)
            {
                onFailure(op, e);
            }
        }
    }

    /// <summary>
    /// Closes the chain (if it was not closed yet) and lets go of what its operators hold outside the
    /// heap (a RocksDB instance and its working directory). Until then a finished chain keeps its state
    /// readable, for the checkpoints taken after its subtask finished.
    /// </summary>
    public void Release(Action<IStreamOperator, Exception> onFailure)
    {
        Close(onFailure);
        foreach (var op in Operators)
        {
            if (op is not IDisposable disposable) continue;
            try
            {
                disposable.Dispose();
            }
            catch (Exception e)
            {
                onFailure(op, e);
            }
        }
    }

    private async Task FlushAsync(FlushReason reason)
    {
        foreach (var op in Operators)
        {
            var flush = op.FlushAsync(reason);
            if (!flush.IsCompletedSuccessfully) await flush;
        }
    }
}
