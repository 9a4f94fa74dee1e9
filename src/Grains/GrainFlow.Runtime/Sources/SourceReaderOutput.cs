using GrainFlow.Runtime.Api.Functions;
using GrainFlow.Runtime.Api.Time;
using GrainFlow.Runtime.Channels;
using GrainFlow.Runtime.Operators;

namespace GrainFlow.Runtime.Sources;

/// <summary>
/// The output a source reader emits into (Flink's <c>ProgressiveTimestampsAndWatermarks</c> with its
/// <c>SourceOutputWithWatermarks</c>): each record gets its timestamp from the strategy, which is put
/// into the chain's <see cref="RecordTimestamp"/> before the record goes down the chain; each split has
/// its own watermark generator, and the source's watermark is the minimum over its splits (idle ones
/// left out), never going backwards. Records collected on the reader-wide output count as one more
/// split, created when first used.
/// </summary>
internal sealed class SourceReaderOutput<T> : IReaderOutput<T>
{
    private readonly WatermarkStrategy<T> _strategy;
    private readonly ICollector<T> _chain;
    private readonly RecordTimestamp _timestamp;
    private readonly TimeProvider _time;
    private readonly string _operatorName;
    private readonly WatermarkEventBuffer _events = new();
    private readonly WatermarkOutputMultiplexer _multiplexer;
    private readonly Dictionary<string, SplitOutput> _splits = new(StringComparer.Ordinal);
    private SplitOutput? _readerWide;

    public SourceReaderOutput(WatermarkStrategy<T> strategy, ICollector<T> chain, RecordTimestamp timestamp, TimeProvider time, string operatorName)
    {
        _strategy = strategy;
        _chain = chain;
        _timestamp = timestamp;
        _time = time;
        _operatorName = operatorName;
        _multiplexer = new WatermarkOutputMultiplexer(_events);
    }

    /// <summary>The source's watermark so far (<see cref="long.MinValue"/> before the first).</summary>
    public long CurrentWatermark => _events.CurrentWatermark;

    /// <summary>Whether the source's output is idle (every split is).</summary>
    public bool IsIdle => _events.IsIdle;

    public void Collect(T record) => ReaderWide.Collect(record, RecordTimestamp.None);

    public void Collect(T record, long timestampMs) => ReaderWide.Collect(record, timestampMs);

    public ISourceOutput<T> CreateOutputForSplit(string splitId)
    {
        ArgumentException.ThrowIfNullOrEmpty(splitId);
        if (_splits.TryGetValue(splitId, out var existing)) return existing;
        var output = NewSplitOutput();
        _splits.Add(splitId, output);
        return output;
    }

    public void ReleaseOutputForSplit(string splitId)
    {
        if (_splits.Remove(splitId, out var output)) _multiplexer.Unregister(output.Partial);
    }

    /// <summary>Runs every split's periodic emission, combines them and returns what to forward (see <see cref="IWatermarkEmitter"/>).</summary>
    public IReadOnlyList<ControlEvent> EmitPeriodic()
    {
        foreach (var split in _splits.Values) split.EmitPeriodic();
        _readerWide?.EmitPeriodic();
        _multiplexer.OnPeriodicEmit();
        return _events.Take();
    }

    /// <summary>What the splits emitted on records since the last call (see <see cref="IWatermarkEmitter"/>).</summary>
    public IReadOnlyList<ControlEvent> TakeEvents() => _events.Take();

    private SplitOutput ReaderWide => _readerWide ??= NewSplitOutput();

    private SplitOutput NewSplitOutput()
    {
        var partial = _multiplexer.Register();
        return new SplitOutput(this, _strategy.CreateWatermarkGenerator(_time), partial,
            _multiplexer.ImmediateOutput(partial), _multiplexer.DeferredOutput(partial));
    }

    private sealed class SplitOutput(
        SourceReaderOutput<T> owner, IWatermarkGenerator<T> generator, WatermarkOutputMultiplexer.PartialWatermark partial,
        IWatermarkOutput onEvent, IWatermarkOutput periodic) : ISourceOutput<T>
    {
        public WatermarkOutputMultiplexer.PartialWatermark Partial => partial;

        public void Collect(T record) => Collect(record, RecordTimestamp.None);

        public void Collect(T record, long timestampMs)
        {
            var timestamp = owner._strategy.ExtractTimestamp(record, timestampMs, owner._operatorName);
            owner._timestamp.Current = timestamp;
            owner._chain.Collect(record);
            // After the record, as in Flink: a watermark this event causes must follow it.
            generator.OnEvent(record, timestamp, onEvent);
        }

        public void EmitPeriodic() => generator.OnPeriodicEmit(periodic);
    }
}
