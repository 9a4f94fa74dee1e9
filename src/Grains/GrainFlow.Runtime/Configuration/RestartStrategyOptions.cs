using GrainFlow.Configuration;
using GrainFlow.Runtime.Recovery;

namespace GrainFlow.Runtime.Configuration;

/// <summary>Flink's <c>restart-strategy.*</c> keys (RestartStrategyOptions, Flink 1.19+ defaults).</summary>
public static class RestartStrategyOptions
{
    /// <summary>Unset: exponential-delay when checkpointing is on, none otherwise (Flink's rule).</summary>
    public static readonly ConfigOption<RestartStrategyType> Type = new ConfigOption<string>("restart-strategy.type", [],
            "one of none, off, disable, fixed-delay, failure-rate, exponential-delay", "", s => s, null, false, "")
        .Map(RestartStrategyTypes.Parse);

    public static readonly ConfigOption<int> FixedDelayAttempts = ConfigOptions.Key("restart-strategy.fixed-delay.attempts").IntType()
        .WithCheck(n => n >= 0 ? null : "the number of attempts must not be negative").WithDefault(1);

    public static readonly ConfigOption<TimeSpan> FixedDelay = ConfigOptions.Key("restart-strategy.fixed-delay.delay").DurationType().WithDefault(TimeSpan.FromSeconds(1));

    public static readonly ConfigOption<int> FailureRateMaxFailures = ConfigOptions.Key("restart-strategy.failure-rate.max-failures-per-interval").IntType()
        .WithCheck(n => n >= 1 ? null : "at least one failure must be allowed").WithDefault(1);

    public static readonly ConfigOption<TimeSpan> FailureRateInterval = ConfigOptions.Key("restart-strategy.failure-rate.failure-rate-interval").DurationType().WithDefault(TimeSpan.FromMinutes(1));

    public static readonly ConfigOption<TimeSpan> FailureRateDelay = ConfigOptions.Key("restart-strategy.failure-rate.delay").DurationType().WithDefault(TimeSpan.FromSeconds(1));

    public static readonly ConfigOption<TimeSpan> InitialBackoff = ConfigOptions.Key("restart-strategy.exponential-delay.initial-backoff").DurationType().WithDefault(TimeSpan.FromSeconds(1));

    public static readonly ConfigOption<TimeSpan> MaxBackoff = ConfigOptions.Key("restart-strategy.exponential-delay.max-backoff").DurationType().WithDefault(TimeSpan.FromMinutes(1));

    public static readonly ConfigOption<double> BackoffMultiplier = ConfigOptions.Key("restart-strategy.exponential-delay.backoff-multiplier").DoubleType()
        .WithCheck(m => m >= 1 ? null : "the multiplier must be at least 1").WithDefault(1.5);

    public static readonly ConfigOption<TimeSpan> ResetBackoffThreshold = ConfigOptions.Key("restart-strategy.exponential-delay.reset-backoff-threshold").DurationType().WithDefault(TimeSpan.FromHours(1));

    public static readonly ConfigOption<double> JitterFactor = ConfigOptions.Key("restart-strategy.exponential-delay.jitter-factor").DoubleType()
        .WithCheck(j => j is >= 0 and <= 1 ? null : "the jitter factor must be from 0 to 1").WithDefault(0.1);

    public static readonly ConfigOption<int> AttemptsBeforeResetBackoff = ConfigOptions.Key("restart-strategy.exponential-delay.attempts-before-reset-backoff").IntType()
        .WithCheck(n => n >= 1 ? null : "at least one attempt must be allowed").WithDefault(int.MaxValue);

    public static IReadOnlyList<ConfigOption> All { get; } =
    [
        Type, FixedDelayAttempts, FixedDelay, FailureRateMaxFailures, FailureRateInterval, FailureRateDelay,
        InitialBackoff, MaxBackoff, BackoffMultiplier, ResetBackoffThreshold, JitterFactor, AttemptsBeforeResetBackoff,
    ];
}
