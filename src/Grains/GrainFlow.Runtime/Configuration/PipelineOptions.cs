using GrainFlow.Configuration;
using GrainFlow.KeyGroups;

namespace GrainFlow.Runtime.Configuration;

/// <summary>Job-level keys (Flink's names where Flink has one).</summary>
public static class PipelineOptions
{
    public static readonly ConfigOption<int> DefaultParallelism = ConfigOptions.Key("parallelism.default").IntType()
        .WithCheck(p => p is >= 1 and <= KeyGroupAssignment.UpperBoundMaxParallelism ? null : "the parallelism must be from 1 to 32768", "a whole number from 1 to 32768")
        .WithDefault(1)
        .WithDescription("Parallelism of operators that set none.");

    public static readonly ConfigOption<int> MaxParallelism = ConfigOptions.Key("pipeline.max-parallelism").IntType()
        .WithCheck(p => p == -1 || p is >= 1 and <= KeyGroupAssignment.UpperBoundMaxParallelism ? null : "the max parallelism must be from 1 to 32768, or -1 for the default", "a whole number from 1 to 32768, or -1 (derived from the parallelism)")
        .WithDefault(-1)
        .WithDescription("Number of key groups; fixed for the life of the job's state.");

    public static readonly ConfigOption<TimeSpan> BufferTimeout = ConfigOptions.Key("execution.buffer-timeout.interval").DurationType()
        .WithDeprecatedKeys("execution.buffer-timeout")
        .WithCheck(d => d >= TimeSpan.FromMilliseconds(1) ? null : "the buffer timeout must be at least 1 ms")
        .WithDefault(TimeSpan.FromMilliseconds(100))
        .WithDescription("How long a partly filled batch may wait before it is sent.");

    public static readonly ConfigOption<int> BatchSize = ConfigOptions.Key("grainflow.network.batch-size").IntType()
        .WithCheck(n => n is >= 1 and <= 65536 ? null : "the batch size must be from 1 to 65536 records", "a whole number of records from 1 to 65536")
        .WithDefault(1024)
        .WithDescription("Records per batch on a channel.");

    public static readonly ConfigOption<int> ChannelCapacity = ConfigOptions.Key("grainflow.network.channel-capacity").IntType()
        .WithCheck(n => n is >= 1 and <= 1024 ? null : "the channel capacity must be from 1 to 1024 batches", "a whole number of batches from 1 to 1024")
        .WithDefault(4)
        .WithDescription("Batches a channel may hold before its sender waits (backpressure).");

    public static readonly ConfigOption<TimeSpan> AutoWatermarkInterval = ConfigOptions.Key("pipeline.auto-watermark-interval").DurationType()
        .WithCheck(d => d >= TimeSpan.Zero ? null : "the watermark interval must not be negative (0 turns periodic watermarks off)", "a duration of 0 or more, e.g. 200 ms (0 turns periodic watermarks off)")
        .WithDefault(TimeSpan.FromMilliseconds(200))
        .WithDescription("How often sources and timestamp assigners emit periodic watermarks; 0 turns periodic emission off.");

    /// <summary>
    /// A silo setting (read from the cluster configuration only, so a submission cannot raise it): the
    /// highest parallelism any operator of a submitted job may have. Every subtask is a grain with its
    /// own buffers; a mistyped parallelism would otherwise fill the silos' memory before the job fails.
    /// </summary>
    public static readonly ConfigOption<int> SubmissionMaxParallelism = ConfigOptions.Key("grainflow.submission.max-parallelism").IntType()
        .WithCheck(p => p is >= 1 and <= KeyGroupAssignment.UpperBoundMaxParallelism ? null : "the limit must be from 1 to 32768", "a whole number from 1 to 32768")
        .WithDefault(128)
        .WithDescription("Silo setting: the highest operator parallelism a submitted job may ask for.");

    public static IReadOnlyList<ConfigOption> All { get; } = [DefaultParallelism, MaxParallelism, BufferTimeout, BatchSize, ChannelCapacity, AutoWatermarkInterval, SubmissionMaxParallelism];
}
