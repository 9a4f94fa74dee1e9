using GrainFlow.Runtime.Api;
using GrainFlow.Runtime.Api.Functions;
using GrainFlow.Runtime.Api.Time;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Runtime.Sources;

namespace GrainFlow.Runtime.Operators;

/// <summary>The head of a source vertex: polls the source's reader into the chain; its offsets are its state.</summary>
internal abstract class SourceDriver(string uid, string name) : OperatorBase(uid, name)
{
    public abstract IReadOnlyDictionary<string, long> CurrentOffsets { get; }

    public abstract ValueTask<SourcePollStatus> PollAsync(int maxRecords, CancellationToken cancellationToken);

    /// <summary>The watermark alignment of this source's strategy, if it has one.</summary>
    public abstract WatermarkAlignment? Alignment { get; }

    /// <summary>The source's watermark so far (<see cref="long.MinValue"/> before the first).</summary>
    public abstract long CurrentWatermark { get; }

    /// <summary>Whether every split of the source is idle.</summary>
    public abstract bool IsIdle { get; }

    public override OperatorSnapshotResult SnapshotState(Channels.CheckpointBarrier barrier) =>
        new(new CapturedOperatorState(Uid, null, [], CurrentOffsets.ToDictionary()));
}

internal sealed class SourceDriver<T>(string uid, string name, ISource<T> source, WatermarkStrategy<T> watermarks, ICollector<T> output)
    : SourceDriver(uid, name), IWatermarkEmitter
{
    private ISourceReader<T> _reader = null!;
    private SourceReaderOutput<T> _output = null!;

    public override IReadOnlyDictionary<string, long> CurrentOffsets => _reader.CurrentOffsets;

    public override WatermarkAlignment? Alignment => watermarks.Alignment;

    public override long CurrentWatermark => _output.CurrentWatermark;

    public override bool IsIdle => _output.IsIdle;

    public override void Open(OperatorContext context)
    {
        base.Open(context);
        _output = new SourceReaderOutput<T>(watermarks, output, context.Timestamp, context.Time, Name);
        _reader = source.CreateReader(new SubtaskInfo(context.JobId, context.JobName, Uid, context.SubtaskIndex, context.Parallelism, context.Configuration, context.Services));
        if (context.Restore is { } restore) _reader.SeekTo(restore.SourceOffsets);
    }

    public override ValueTask<SourcePollStatus> PollAsync(int maxRecords, CancellationToken cancellationToken) =>
        _reader.PollAsync(_output, maxRecords, cancellationToken);

    public IReadOnlyList<Channels.ControlEvent> EmitPeriodic() => _output.EmitPeriodic();

    public IReadOnlyList<Channels.ControlEvent> TakeEvents() => _output.TakeEvents();

    public override void Close() => _reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
}
