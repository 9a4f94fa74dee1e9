namespace GrainFlow.Bench.PerKeyGrain;

/// <summary>The persisted state of a <see cref="CounterGrain"/> (stored as JSON by GrainFlow's grain storage).</summary>
[GenerateSerializer]
public sealed class CounterState
{
    [Id(0)]
    public long Count { get; set; }
}
