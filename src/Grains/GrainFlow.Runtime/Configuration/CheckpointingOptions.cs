using GrainFlow.Configuration;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Storage;

namespace GrainFlow.Runtime.Configuration;

/// <summary>Flink's checkpointing keys, defaults and aliases (CheckpointingOptions / StateBackendOptions).</summary>
public static class CheckpointingOptions
{
    /// <summary>Below this an interval means "disabled", as Flink's MINIMAL_CHECKPOINT_TIME.</summary>
    public static readonly TimeSpan MinimalInterval = TimeSpan.FromMilliseconds(10);

    public static readonly ConfigOption<TimeSpan> Interval = ConfigOptions.Key("execution.checkpointing.interval").DurationType()
        .WithDescription("How often a checkpoint is triggered; unset (or under 10 ms) disables checkpointing.");

    /// <summary>Whether a job with <paramref name="configuration"/> takes periodic checkpoints.</summary>
    public static bool IsEnabled(GrainFlowConfiguration configuration) =>
        configuration.GetOptional(Interval) is { } interval && interval >= MinimalInterval;

    public static readonly ConfigOption<CheckpointingMode> Mode = ConfigOptions.Key("execution.checkpointing.mode").EnumType<CheckpointingMode>()
        .WithDefault(CheckpointingMode.ExactlyOnce);

    public static readonly ConfigOption<TimeSpan> Timeout = ConfigOptions.Key("execution.checkpointing.timeout").DurationType()
        .WithCheck(d => d > TimeSpan.Zero ? null : "the timeout must be positive")
        .WithDefault(TimeSpan.FromMinutes(10));

    public static readonly ConfigOption<TimeSpan> MinPause = ConfigOptions.Key("execution.checkpointing.min-pause").DurationType()
        .WithDefault(TimeSpan.Zero);

    public static readonly ConfigOption<int> MaxConcurrent = ConfigOptions.Key("execution.checkpointing.max-concurrent-checkpoints").IntType()
        .WithCheck(n => n >= 1 ? null : "at least one checkpoint must be allowed in flight", "a whole number of at least 1")
        .WithDefault(1);

    public static readonly ConfigOption<int> TolerableFailures = ConfigOptions.Key("execution.checkpointing.tolerable-failed-checkpoints").IntType()
        .WithCheck(n => n >= 0 ? null : "the number must not be negative", "a whole number of at least 0")
        .WithDefault(0);

    public static readonly ConfigOption<ExternalizedCheckpointRetention> Retention =
        ConfigOptions.Key("execution.checkpointing.externalized-checkpoint-retention").EnumType<ExternalizedCheckpointRetention>()
            .WithDefault(ExternalizedCheckpointRetention.NoExternalizedCheckpoints);

    public static readonly ConfigOption<int> NumRetained = ConfigOptions.Key("execution.checkpointing.num-retained").IntType()
        .WithDeprecatedKeys("state.checkpoints.num-retained")
        .WithCheck(n => n >= 1 ? null : "at least one checkpoint must be retained", "a whole number of at least 1")
        .WithDefault(1);

    public static readonly ConfigOption<string> Directory = ConfigOptions.Key("execution.checkpointing.dir").StringType()
        .WithDeprecatedKeys("state.checkpoints.dir")
        .AsLocation()
        .WithDescription("file:///path, an absolute path, or an Azure Blob URL (https://<account>.blob.core.windows.net/<container>[/folder]).");

    public static readonly ConfigOption<string> SavepointDirectory = ConfigOptions.Key("execution.checkpointing.savepoint-dir").StringType()
        .WithDeprecatedKeys("state.savepoints.dir")
        .AsLocation()
        .WithDescription("Where savepoints go when a savepoint or stop names no directory; the same forms as execution.checkpointing.dir.");

    /// <summary>Flink's legacy <c>filesystem</c> and <c>jobmanager</c> both mean the heap backend (with a deprecation warning).</summary>
    public static readonly ConfigOption<StateBackendType> StateBackend = ConfigOptions.Key("state.backend.type").EnumType<StateBackendType>()
        .WithDeprecatedKeys("state.backend")
        .WithLegacyValues(("filesystem", "hashmap"), ("jobmanager", "hashmap"))
        .WithDefault(StateBackendType.Hashmap);

    /// <summary>
    /// Incremental checkpoints (Flink's <c>execution.checkpointing.incremental</c>): a backend that supports them uploads
    /// only the files earlier checkpoints did not, to <c>&lt;job id&gt;/shared/</c>. The heap backend does not.
    /// </summary>
    public static readonly ConfigOption<bool> Incremental = ConfigOptions.Key("execution.checkpointing.incremental").BoolType()
        .WithDeprecatedKeys("state.backend.incremental")
        .WithDefault(false);

    public static readonly ConfigOption<long> InlineThreshold = ConfigOptions.Key("execution.checkpointing.data-inline-threshold").MemorySizeType()
        .WithDeprecatedKeys("state.storage.fs.memory-threshold")
        .WithCheck(n => n is >= 0 and <= 1 << 20 ? null : "the threshold must be from 0 to 1 mb", "a size from 0 to 1 mb, e.g. \"20 kb\"")
        .WithDefault(20 * 1024);

    /// <summary>
    /// Problems no single key shows: a checkpoint or savepoint directory must be a location GrainFlow can
    /// open (a blob location may need the connection string of <c>grainflow.storage.azure.connection-string</c>),
    /// found when the job is submitted or the silo starts rather than at its first checkpoint.
    /// </summary>
    public static IEnumerable<string> Problems(GrainFlowConfiguration configuration)
    {
        var connectionString = configuration.GetOptionalString(StorageOptions.AzureConnectionString);
        foreach (var option in new[] { Directory, SavepointDirectory })
        {
            if (configuration.GetOptionalString(option) is not { } location) continue;
            if (ObjectStoreFactory.LocationProblem(location, connectionString) is { } problem)
            {
                yield return new ConfigurationValueException(option.Key, location, ObjectStoreFactory.AcceptedForms, problem).Message;
            }
        }
        if (configuration.Get(Incremental) && configuration.Get(StateBackend) == StateBackendType.Hashmap)
        {
            yield return $"{Incremental.Key}: incremental checkpoints need state.backend.type=rocksdb (the hashmap state backend takes full checkpoints).";
        }
    }

    public static IReadOnlyList<ConfigOption> All { get; } =
        [Interval, Mode, Timeout, MinPause, MaxConcurrent, TolerableFailures, Retention, NumRetained, Directory, SavepointDirectory, StateBackend, Incremental, InlineThreshold];
}
