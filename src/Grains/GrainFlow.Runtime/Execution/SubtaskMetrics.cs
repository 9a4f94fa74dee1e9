namespace GrainFlow.Runtime.Execution;

/// <summary>A subtask's counters: what it processed, where it runs, and how full its output channels got.</summary>
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
    [property: Id(8)] long Attempt);

/// <summary>One entry of a keyed state, as JSON text (for tests and inspection).</summary>
[GenerateSerializer, Immutable, Alias("grainflow.KeyedStateEntry")]
public sealed record KeyedStateEntry(
    [property: Id(0)] int KeyGroup,
    [property: Id(1)] string Key,
    [property: Id(2)] string Value);
