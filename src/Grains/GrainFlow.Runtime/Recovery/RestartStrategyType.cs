namespace GrainFlow.Runtime.Recovery;

public enum RestartStrategyType
{
    None,
    FixedDelay,
    FailureRate,
    ExponentialDelay,
}

internal static class RestartStrategyTypes
{
    /// <summary>Flink's spellings: none/off/disable, fixed-delay/fixeddelay, failure-rate/failurerate, exponential-delay/exponentialdelay.</summary>
    public static RestartStrategyType Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "none" or "off" or "disable" => RestartStrategyType.None,
        "fixed-delay" or "fixeddelay" => RestartStrategyType.FixedDelay,
        "failure-rate" or "failurerate" => RestartStrategyType.FailureRate,
        "exponential-delay" or "exponentialdelay" => RestartStrategyType.ExponentialDelay,
        _ => throw new FormatException($"'{text}' is not a restart strategy."),
    };
}
