namespace GrainFlow.Bench.PerKeyGrain;

/// <summary>
/// The baseline: each event is a call that increments and writes the state before it returns, so
/// no acknowledged event is ever lost — the durability a checkpointed GrainFlow job gives.
/// </summary>
public sealed class CounterGrain([PersistentState(CounterGrain.StateName, CounterGrain.StorageName)] IPersistentState<CounterState> state)
    : Grain, ICounterGrain
{
    public const string StateName = "count";
    public const string StorageName = "counts";

    public async Task IncrementAsync()
    {
        state.State.Count++;
        await state.WriteStateAsync();
    }

    public Task<long> GetCountAsync() => Task.FromResult(state.State.Count);
}
