using GrainFlow.Configuration;

namespace GrainFlow.Runtime.Configuration;

/// <summary>
/// Flink's <c>heartbeat.*</c> keys: how often the job manager checks that every subtask still runs
/// its attempt, and how long a subtask may stay silent before the job fails over. Set cluster-wide
/// in the silo configuration or per job.
/// </summary>
public static class HeartbeatOptions
{
    public static readonly ConfigOption<TimeSpan> Interval = ConfigOptions.Key("heartbeat.interval").DurationType()
        .WithCheck(d => d >= TimeSpan.FromMilliseconds(100) && d <= TimeSpan.FromMinutes(10) ? null : "the heartbeat interval must be from 100 ms to 10 min",
            "a duration from 100 ms to 10 min, e.g. \"2 s\"")
        .WithDefault(TimeSpan.FromSeconds(2))
        .WithDescription("How often the job manager asks every running subtask for its attempt; a subtask found without it (its silo died) fails the job over.");

    public static readonly ConfigOption<TimeSpan> Timeout = ConfigOptions.Key("heartbeat.timeout").DurationType()
        .WithCheck(d => d >= TimeSpan.FromSeconds(1) ? null : "the heartbeat timeout must be at least 1 s", "a duration of at least 1 s, e.g. \"50 s\"")
        .WithDefault(TimeSpan.FromSeconds(50))
        .WithDescription("How long a subtask may leave heartbeats unanswered before the job fails over.");

    public static IReadOnlyList<ConfigOption> All { get; } = [Interval, Timeout];

    /// <summary>Problems no single key shows: as in Flink, the timeout must not be shorter than the interval.</summary>
    public static IEnumerable<string> Problems(GrainFlowConfiguration configuration)
    {
        if (configuration.Validate(All).Count > 0) yield break; // reported per key already
        var interval = configuration.Get(Interval);
        var timeout = configuration.Get(Timeout);
        if (timeout < interval)
        {
            yield return $"Invalid '{Timeout.Key}' ({DurationParser.Format(timeout)}): it must not be shorter than '{Interval.Key}' ({DurationParser.Format(interval)}); "
                + "raise the timeout or lower the interval.";
        }
    }
}
