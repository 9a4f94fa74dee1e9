using System.Diagnostics;

namespace GrainFlow.Runtime.Diagnostics;

/// <summary>
/// A per-second rate of a growing count, worked out when the metrics are read (Flink's MeterView):
/// the hot path only adds to its counter, and each read compares the count with the one taken at
/// least <see cref="MinSpan"/> earlier. Reads from several exporters at once share the same samples.
/// </summary>
internal sealed class RateView(long startTimestamp)
{
    /// <summary>Reads closer together than this return the rate of the last span (no division by a tiny interval).</summary>
    public static readonly TimeSpan MinSpan = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();
    private long _sampleCount;
    private long _sampleTimestamp = startTimestamp;
    private double _rate;

    public RateView()
        : this(Stopwatch.GetTimestamp())
    {
    }

    /// <summary>The count's growth per second since the previous sample (0 before a first span passed).</summary>
    public double Read(long count) => Read(count, Stopwatch.GetTimestamp());

    public double Read(long count, long nowTimestamp)
    {
        lock (_lock)
        {
            var elapsed = Stopwatch.GetElapsedTime(_sampleTimestamp, nowTimestamp);
            if (elapsed < MinSpan) return _rate;
            _rate = (count - _sampleCount) / elapsed.TotalSeconds;
            _sampleCount = count;
            _sampleTimestamp = nowTimestamp;
            return _rate;
        }
    }
}
