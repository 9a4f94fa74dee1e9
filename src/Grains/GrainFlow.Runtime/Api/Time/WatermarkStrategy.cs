using GrainFlow.Errors;

namespace GrainFlow.Runtime.Api.Time;

/// <summary>
/// How a stream gets its event time (Flink's <c>WatermarkStrategy</c>): a timestamp assigner that gives
/// each record its timestamp, and a watermark generator that says how far event time has come. Applied
/// at a source (<see cref="StreamExecutionEnvironment.FromSource{T}(Sources.ISource{T}, WatermarkStrategy{T}, string)"/>,
/// one generator per split) or mid-stream (<see cref="DataStream{T}.AssignTimestampsAndWatermarks"/>).
/// Immutable: each <c>With…</c> returns a new strategy.
/// </summary>
/// <example><code>
/// WatermarkStrategy&lt;Event&gt;.ForBoundedOutOfOrderness(TimeSpan.FromSeconds(5))
///     .WithTimestampAssigner((e, _) => e.Timestamp)
///     .WithIdleness(TimeSpan.FromSeconds(30))
/// </code></example>
public sealed class WatermarkStrategy<T>
{
    private readonly Func<IWatermarkGenerator<T>> _generators;
    private readonly Func<T, long, long>? _timestampAssigner;
    private readonly TimeSpan? _idleTimeout;

    private WatermarkStrategy(Func<IWatermarkGenerator<T>> generators, Func<T, long, long>? timestampAssigner, TimeSpan? idleTimeout, WatermarkAlignment? alignment = null)
    {
        _generators = generators;
        _timestampAssigner = timestampAssigner;
        _idleTimeout = idleTimeout;
        Alignment = alignment;
    }

    /// <summary>The alignment of the source this strategy is applied to, if any.</summary>
    internal WatermarkAlignment? Alignment { get; }

    /// <summary>Records come at most <paramref name="maxOutOfOrderness"/> out of order: watermark = highest timestamp − bound − 1.</summary>
    /// <exception cref="ArgumentException">The bound is negative (or absurdly large).</exception>
    public static WatermarkStrategy<T> ForBoundedOutOfOrderness(TimeSpan maxOutOfOrderness)
    {
        WatermarkDurations.ToMilliseconds(maxOutOfOrderness, nameof(maxOutOfOrderness), "out-of-orderness", allowZero: true);
        return new(() => new BoundedOutOfOrdernessWatermarks<T>(maxOutOfOrderness), null, null);
    }

    /// <summary>Timestamps only ever rise (per split): watermark = highest timestamp − 1.</summary>
    public static WatermarkStrategy<T> ForMonotonousTimestamps() => ForBoundedOutOfOrderness(TimeSpan.Zero);

    /// <summary>No watermarks: event time never advances (processing-time jobs). Records still keep their source timestamps.</summary>
    public static WatermarkStrategy<T> NoWatermarks() => new(() => new NoWatermarksGenerator<T>(), null, null);

    /// <summary>A custom generator; <paramref name="generatorSupplier"/> is called once per stream or split.</summary>
    public static WatermarkStrategy<T> ForGenerator(Func<IWatermarkGenerator<T>> generatorSupplier)
    {
        ArgumentNullException.ThrowIfNull(generatorSupplier);
        return new(generatorSupplier, null, null);
    }

    /// <summary>
    /// Gives each record its timestamp in epoch milliseconds from the record and the timestamp it already
    /// has (its source's, e.g. a topic record's publish time, or <see cref="long.MinValue"/> for none).
    /// Without an assigner a record keeps the timestamp it has.
    /// </summary>
    public WatermarkStrategy<T> WithTimestampAssigner(Func<T, long, long> timestampAssigner)
    {
        ArgumentNullException.ThrowIfNull(timestampAssigner);
        return new(_generators, timestampAssigner, _idleTimeout, Alignment);
    }

    /// <summary>Gives each record its timestamp in epoch milliseconds from the record alone.</summary>
    public WatermarkStrategy<T> WithTimestampAssigner(Func<T, long> timestampAssigner)
    {
        ArgumentNullException.ThrowIfNull(timestampAssigner);
        return WithTimestampAssigner((element, _) => timestampAssigner(element));
    }

    /// <summary>
    /// A stream (or split) without records for longer than <paramref name="idleTimeout"/> is marked idle,
    /// so it does not hold back the watermark; its next record makes it active again.
    /// </summary>
    /// <exception cref="ArgumentException">The timeout is not positive (or absurdly large).</exception>
    public WatermarkStrategy<T> WithIdleness(TimeSpan idleTimeout)
    {
        WatermarkDurations.ToMilliseconds(idleTimeout, nameof(idleTimeout), "idle timeout", allowZero: false);
        return new(_generators, _timestampAssigner, idleTimeout, Alignment);
    }

    /// <summary>
    /// Aligns the watermarks of the sources in <paramref name="watermarkGroup"/> (Flink's
    /// <c>withWatermarkAlignment</c>): a source subtask more than <paramref name="maxAllowedWatermarkDrift"/>
    /// ahead of the group's lowest watermark pauses reading, checking every <paramref name="updateInterval"/>
    /// (1 s unless given). An idle or finished source does not hold the others back. Only for strategies
    /// applied at a source (<see cref="StreamExecutionEnvironment.FromSource{T}(Sources.ISource{T}, WatermarkStrategy{T}, string)"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The group is empty, or a duration is not positive (or absurdly large).</exception>
    public WatermarkStrategy<T> WithWatermarkAlignment(string watermarkGroup, TimeSpan maxAllowedWatermarkDrift, TimeSpan? updateInterval = null) =>
        new(_generators, _timestampAssigner, _idleTimeout,
            WatermarkAlignment.Create(watermarkGroup, maxAllowedWatermarkDrift, updateInterval ?? WatermarkAlignment.DefaultUpdateInterval));

    /// <summary>A new generator for one stream or split; idleness is measured on <paramref name="time"/>.</summary>
    internal IWatermarkGenerator<T> CreateWatermarkGenerator(TimeProvider time)
    {
        var generator = _generators() ?? throw new InvalidOperationException("The watermark strategy's generator supplier returned null: return a new IWatermarkGenerator for each call.");
        return _idleTimeout is { } timeout ? new WatermarksWithIdleness<T>(generator, timeout, time) : generator;
    }

    /// <summary>
    /// The timestamp of <paramref name="element"/>; a failing assigner fails the job with a message naming
    /// <paramref name="operatorName"/>. The failure is not recoverable: a restart replays the same record
    /// into the same assigner, so restarting would only loop until the restart strategy gives up.
    /// </summary>
    internal long ExtractTimestamp(T element, long recordTimestamp, string operatorName)
    {
        if (_timestampAssigner is null) return recordTimestamp;
        try
        {
            return _timestampAssigner(element, recordTimestamp);
        }
        catch (Exception e)
        {
            throw new NonRecoverableJobException(
                $"The timestamp assigner of '{operatorName}' failed on a record ({e.GetType().Name}: {e.Message}): make the assigner handle every record, or filter out the records it cannot handle before it.", e);
        }
    }
}
