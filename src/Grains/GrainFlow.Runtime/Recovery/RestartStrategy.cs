using GrainFlow.Configuration;
using GrainFlow.Runtime.Configuration;

namespace GrainFlow.Runtime.Recovery;

/// <summary>
/// Decides whether a failed job restarts and after which delay (Flink's restart strategies). Pure
/// logic over the failure times it is told about, so the job manager can persist its inputs.
/// </summary>
public abstract class RestartStrategy
{
    public abstract RestartStrategyType Type { get; }

    /// <summary>Records a failure at <paramref name="now"/>; returns the delay before restarting, or null to fail the job.</summary>
    public abstract TimeSpan? OnFailure(DateTimeOffset now);

    public abstract string Describe();

    /// <summary>The configured strategy; with <c>restart-strategy.type</c> unset, exponential delay when checkpointing is on, else none.</summary>
    public static RestartStrategy From(GrainFlowConfiguration configuration, bool checkpointingEnabled, Random? random = null)
    {
        var type = configuration.Contains(RestartStrategyOptions.Type)
            ? configuration.Get(RestartStrategyOptions.Type)
            : checkpointingEnabled ? RestartStrategyType.ExponentialDelay : RestartStrategyType.None;
        return type switch
        {
            RestartStrategyType.FixedDelay => new FixedDelayRestartStrategy(
                configuration.Get(RestartStrategyOptions.FixedDelayAttempts), configuration.Get(RestartStrategyOptions.FixedDelay)),
            RestartStrategyType.FailureRate => new FailureRateRestartStrategy(
                configuration.Get(RestartStrategyOptions.FailureRateMaxFailures), configuration.Get(RestartStrategyOptions.FailureRateInterval),
                configuration.Get(RestartStrategyOptions.FailureRateDelay)),
            RestartStrategyType.ExponentialDelay => new ExponentialDelayRestartStrategy(
                configuration.Get(RestartStrategyOptions.InitialBackoff), configuration.Get(RestartStrategyOptions.MaxBackoff),
                configuration.Get(RestartStrategyOptions.BackoffMultiplier), configuration.Get(RestartStrategyOptions.ResetBackoffThreshold),
                configuration.Get(RestartStrategyOptions.JitterFactor), configuration.Get(RestartStrategyOptions.AttemptsBeforeResetBackoff),
                random ?? Random.Shared),
            _ => new NoRestartStrategy(),
        };
    }
}

public sealed class NoRestartStrategy : RestartStrategy
{
    public override RestartStrategyType Type => RestartStrategyType.None;

    public override TimeSpan? OnFailure(DateTimeOffset now) => null;

    public override string Describe() => "no restarts";
}

/// <summary>Restarts up to <c>attempts</c> times, each after the same delay.</summary>
public sealed class FixedDelayRestartStrategy(int attempts, TimeSpan delay) : RestartStrategy
{
    private int _failures;

    public override RestartStrategyType Type => RestartStrategyType.FixedDelay;

    public override TimeSpan? OnFailure(DateTimeOffset now) => ++_failures <= attempts ? delay : null;

    public override string Describe() => $"fixed delay ({attempts} attempts, {DurationParser.Format(delay)} apart)";
}

/// <summary>Restarts unless more than <c>maxFailures</c> failures happened within the interval.</summary>
public sealed class FailureRateRestartStrategy(int maxFailures, TimeSpan interval, TimeSpan delay) : RestartStrategy
{
    private readonly Queue<DateTimeOffset> _failures = new();

    public override RestartStrategyType Type => RestartStrategyType.FailureRate;

    public override TimeSpan? OnFailure(DateTimeOffset now)
    {
        _failures.Enqueue(now);
        while (_failures.Count > 0 && now - _failures.Peek() > interval) _failures.Dequeue();
        return _failures.Count <= maxFailures ? delay : null;
    }

    public override string Describe() => $"failure rate ({maxFailures} per {DurationParser.Format(interval)}, {DurationParser.Format(delay)} delay)";
}

/// <summary>
/// Flink's default with checkpointing: the delay starts at the initial backoff and grows by the
/// multiplier up to the max backoff, with jitter; it falls back to the initial backoff after a
/// quiet period of the reset threshold.
/// </summary>
public sealed class ExponentialDelayRestartStrategy(
    TimeSpan initialBackoff, TimeSpan maxBackoff, double multiplier, TimeSpan resetThreshold, double jitterFactor, int attemptsBeforeReset, Random random)
    : RestartStrategy
{
    private readonly TimeSpan _initialBackoff = initialBackoff;
    private TimeSpan _current = initialBackoff;
    private DateTimeOffset? _lastFailure;
    private int _attempts;

    public override RestartStrategyType Type => RestartStrategyType.ExponentialDelay;

    public override TimeSpan? OnFailure(DateTimeOffset now)
    {
        if (_lastFailure is { } last && now - last >= resetThreshold)
        {
            _current = _initialBackoff;
            _attempts = 0;
        }
        _lastFailure = now;
        if (++_attempts > attemptsBeforeReset) return null;
        var delay = _current;
        _current = TimeSpan.FromTicks((long)Math.Min(maxBackoff.Ticks, _current.Ticks * multiplier));
        double jitter;
        lock (random) jitter = (random.NextDouble() * 2 - 1) * jitterFactor;
        return TimeSpan.FromTicks(Math.Max(0, (long)(delay.Ticks * (1 + jitter))));
    }

    public override string Describe() =>
        $"exponential delay (from {DurationParser.Format(_initialBackoff)}, ×{multiplier} per failure, up to {DurationParser.Format(maxBackoff)})";
}
