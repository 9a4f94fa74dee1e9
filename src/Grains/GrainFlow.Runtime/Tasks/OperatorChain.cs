using GrainFlow.Runtime.Channels;
using GrainFlow.Runtime.Graph;
using GrainFlow.Runtime.Operators;
using GrainFlow.Runtime.Sinks;

namespace GrainFlow.Runtime.Tasks;

/// <summary>
/// The operators of one subtask in chain order and the network output after the last one (Flink's
/// OperatorChain). Every chain-wide step calls one lifecycle hook on each operator in order; the
/// chain never asks what an operator is.
/// </summary>
internal sealed class OperatorChain
{
    private readonly IBatchInput? _input;
    private bool _closed;

    public OperatorChain(IReadOnlyList<IStreamOperator> operators, IBatchInput? input, INetworkOutput? network)
    {
        Operators = operators;
        _input = input;
        Network = network;
        Source = operators[0] as SourceDriver;
    }

    public IReadOnlyList<IStreamOperator> Operators { get; }

    /// <summary>The head of a source vertex; null when the chain reads input channels.</summary>
    public SourceDriver? Source { get; }

    /// <summary>Where the last operator's records go to other subtasks; null when the vertex has no consumers.</summary>
    public INetworkOutput? Network { get; }

    public IEnumerable<OutputChannel> Channels => Network?.Channels ?? [];

    /// <summary>
    /// Instantiates <paramref name="vertex"/>'s operators for one subtask, last first, each writing into
    /// the next; the last writes onto the channels <paramref name="channelsOf"/> opens for each outgoing edge.
    /// </summary>
    public static OperatorChain Create(JobVertex vertex, int subtaskIndex, int batchSize, int maxParallelism, Func<JobEdge, OutputChannel[]> channelsOf)
    {
        object output;
        INetworkOutput? network = null;
        var tail = vertex.Chain[^1];
        if (vertex.Outputs.Count > 0)
        {
            var edgeWriters = vertex.Outputs.Select(edge => tail.CreateEdgeWriter(edge.Target.Chain[0], subtaskIndex, channelsOf(edge), batchSize, maxParallelism));
            (output, network) = tail.CreateNetworkOutput(edgeWriters.ToList());
        }
        else
        {
            output = tail.CreateDiscardingOutput();
        }

        var operators = new IStreamOperator[vertex.Chain.Count];
        for (var i = vertex.Chain.Count - 1; i >= 0; i--)
        {
            operators[i] = vertex.Chain[i].Instantiate(output);
            output = operators[i];
        }
        var input = vertex.IsSource ? null : vertex.Chain[0].CreateBatchInput(operators[0]);
        return new OperatorChain(operators, input, network);
    }

    /// <summary>Opens every operator with <paramref name="context"/>, each with its own part of <paramref name="restore"/> (by uid).</summary>
    public void Open(OperatorContext context, IReadOnlyDictionary<string, OperatorRestore>? restore)
    {
        foreach (var op in Operators) op.Open(context with { Restore = restore?.GetValueOrDefault(op.Uid) });
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

    /// <summary>Feeds the records of one input batch (a <c>T[]</c>) into the head operator.</summary>
    public void ProcessRecords(object records, int count) =>
        (_input ?? throw new InvalidOperationException($"Operator '{Operators[0].Uid}' is a source: it has no input channels.")).Process(records, count);

    /// <summary>After each batch: let the operators flush (sinks), then wait while any output channel is full (backpressure).</summary>
    public async Task AfterBatchAsync()
    {
        await FlushAsync(FlushReason.BatchEnd);
        foreach (var channel in Channels)
        {
            if (!channel.HasCapacity) await channel.WaitForCapacityAsync();
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
    /// The subtask's input watermark advanced: every operator fires what it held for event time, in
    /// chain order, and the watermark follows their output onto every channel.
    /// </summary>
    public void ProcessWatermark(long watermarkMs)
    {
        foreach (var op in Operators) op.ProcessWatermark(watermarkMs);
        Network?.FlushAll(new Watermark(watermarkMs));
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

    /// <summary>The synchronous part of a checkpoint: every operator's state, frozen, in chain order.</summary>
    public IReadOnlyList<OperatorSnapshotResult> SnapshotState(long checkpointId)
    {
        var results = new OperatorSnapshotResult[Operators.Count];
        for (var i = 0; i < results.Length; i++) results[i] = Operators[i].SnapshotState(checkpointId);
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

    private async Task FlushAsync(FlushReason reason)
    {
        foreach (var op in Operators)
        {
            var flush = op.FlushAsync(reason);
            if (!flush.IsCompletedSuccessfully) await flush;
        }
    }
}
