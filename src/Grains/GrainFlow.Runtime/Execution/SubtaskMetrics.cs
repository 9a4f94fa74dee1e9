namespace GrainFlow.Runtime.Execution;

/// <summary>
/// A subtask's counters: what it processed, where it runs, and how full its output channels got; the
/// records and times are those of its <see cref="Diagnostics.SubtaskMetricGroup"/> (what the metric exporters show).
/// </summary>
[GenerateSerializer, Immutable, Alias("grainflow.SubtaskMetrics")]
public sealed record SubtaskMetrics(
    [property: Id(0)] string State,
    [property: Id(1)] string Silo,
    [property: Id(2)] long RecordsIn,
    [property: Id(3)] long BatchesIn,
    [property: Id(4)] int ChannelCapacity,
    [property: Id(5)] int MaxQueuedBatches,
    [property: Id(6)] int QueuedBatchesNow,
    [property: Id(7)] IReadOnlyDictionary<string, long> SourceOffsets,
    [property: Id(8)] long Attempt,
    [property: Id(9)] long RecordsOut = 0,
    [property: Id(10)] TimeSpan BusyTime = default,
    [property: Id(11)] TimeSpan BackPressuredTime = default,
    [property: Id(12)] TimeSpan IdleTime = default,
    [property: Id(13)] double BusyTimeMsPerSecond = 0,
    [property: Id(14)] double BackPressuredTimeMsPerSecond = 0,
    [property: Id(15)] double IdleTimeMsPerSecond = 0);

/// <summary>One entry of a keyed state, as JSON text (for tests and inspection).</summary>
[GenerateSerializer, Immutable, Alias("grainflow.KeyedStateEntry")]
public sealed record KeyedStateEntry(
    [property: Id(0)] int KeyGroup,
    [property: Id(1)] string Key,
    [property: Id(2)] string Value);
