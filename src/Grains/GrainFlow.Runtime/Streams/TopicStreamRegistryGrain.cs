using GrainFlow.Runtime.Execution;

namespace GrainFlow.Runtime.Streams;

/// <summary>Keeps a provider's topic list in GrainFlow's grain storage, so it outlives every silo.</summary>
internal sealed class TopicStreamRegistryGrain(
    [PersistentState("topics", GrainFlowStorage.ProviderName)] IPersistentState<TopicStreamRegistryState> state)
    : Grain, ITopicStreamRegistryGrain
{
    public async Task RegisterAsync(string topic)
    {
        if (state.State.Topics.Contains(topic, StringComparer.Ordinal)) return;
        state.State.Topics.Add(topic);
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // Not stored means not registered: the publisher sees the failure and the next attempt retries.
            state.State.Topics.Remove(topic);
            throw;
        }
    }

    public Task<IReadOnlyList<string>> GetTopicsAsync() => Task.FromResult<IReadOnlyList<string>>(state.State.Topics.ToList());
}
