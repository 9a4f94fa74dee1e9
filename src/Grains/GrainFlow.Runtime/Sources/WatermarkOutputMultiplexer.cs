using GrainFlow.Runtime.Api.Time;

namespace GrainFlow.Runtime.Sources;

/// <summary>
/// Combines the watermarks and idleness of several splits into one (Flink's <c>WatermarkOutputMultiplexer</c>):
/// the combined watermark is the minimum over the splits that are not idle and never goes backwards;
/// when every split is idle the combined output is idle. An immediate output recombines at once (a
/// watermark on an event); a deferred one only records, and <see cref="OnPeriodicEmit"/> combines.
/// </summary>
internal sealed class WatermarkOutputMultiplexer(IWatermarkOutput underlying)
{
    private readonly List<PartialWatermark> _partials = new();
    private long _combined = long.MinValue;

    /// <summary>Adds a split; it starts active at <see cref="long.MinValue"/>, so it holds the watermark back until it emits or goes idle.</summary>
    public PartialWatermark Register()
    {
        var partial = new PartialWatermark();
        _partials.Add(partial);
        return partial;
    }

    /// <summary>Removes a finished split, which may let the combined watermark advance.</summary>
    public void Unregister(PartialWatermark partial)
    {
        if (_partials.Remove(partial)) Combine();
    }

    public IWatermarkOutput ImmediateOutput(PartialWatermark partial) => new Immediate(this, partial);

    public IWatermarkOutput DeferredOutput(PartialWatermark partial) => new Deferred(partial);

    /// <summary>Combines what the deferred outputs recorded since the last call.</summary>
    public void OnPeriodicEmit() => Combine();

    private void Combine()
    {
        if (_partials.Count == 0) return; // no split: nothing to say (the minimum over none is not long.MaxValue)
        var minimum = long.MaxValue;
        var allIdle = true;
        foreach (var partial in _partials)
        {
            if (partial.Idle) continue;
            allIdle = false;
            minimum = Math.Min(minimum, partial.Watermark);
        }
        if (allIdle)
        {
            underlying.MarkIdle();
            return;
        }
        underlying.MarkActive();
        if (minimum <= _combined) return;
        _combined = minimum;
        underlying.EmitWatermark(minimum);
    }

    /// <summary>One split's watermark and idleness.</summary>
    internal sealed class PartialWatermark
    {
        public long Watermark { get; private set; } = long.MinValue;

        public bool Idle { get; set; }

        /// <summary>Records a watermark (which also ends idleness); returns whether it rose.</summary>
        public bool SetWatermark(long watermarkMs)
        {
            Idle = false;
            if (watermarkMs <= Watermark) return false;
            Watermark = watermarkMs;
            return true;
        }
    }

    private sealed class Immediate(WatermarkOutputMultiplexer multiplexer, PartialWatermark partial) : IWatermarkOutput
    {
        public void EmitWatermark(long timestampMs)
        {
            if (partial.SetWatermark(timestampMs) && timestampMs > multiplexer._combined) multiplexer.Combine();
        }

        public void MarkIdle()
        {
            partial.Idle = true;
            multiplexer.Combine();
        }

        public void MarkActive()
        {
            partial.Idle = false;
            multiplexer.Combine();
        }
    }

    private sealed class Deferred(PartialWatermark partial) : IWatermarkOutput
    {
        public void EmitWatermark(long timestampMs) => partial.SetWatermark(timestampMs);

        public void MarkIdle() => partial.Idle = true;

        public void MarkActive() => partial.Idle = false;
    }
}
