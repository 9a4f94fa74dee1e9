namespace GrainFlow.Storage.Tests.GrainState;

/// <summary>Persists two states in the provider named "store", as GrainFlow grains do with "grainflow".</summary>
public sealed class StateTestGrain(
    [PersistentState("s", "store")] IPersistentState<TestState> state,
    [PersistentState("note", "store")] IPersistentState<NoteState> note) : Grain, IStateTestGrain
{
    public Task<TestState> GetAsync() => Task.FromResult(state.State);

    public async Task SetAsync(string text, int number)
    {
        state.State.Text = text;
        state.State.Number = number;
        state.State.History.Add(text);
        state.State.Counters[text] = state.State.Counters.GetValueOrDefault(text) + 1;
        state.State.UpdatedAt = DateTimeOffset.UtcNow;
        await state.WriteStateAsync();
    }

    public async Task<TestState> ReloadAsync()
    {
        await state.ReadStateAsync();
        return state.State;
    }

    public Task ClearAsync() => state.ClearStateAsync();

    public Task<bool> RecordExistsAsync() => Task.FromResult(state.RecordExists);

    public async Task SetNoteAsync(string text)
    {
        note.State.Note = text;
        await note.WriteStateAsync();
    }

    public Task<string?> GetNoteAsync() => Task.FromResult(note.State.Note);

    public Task DeactivateAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}
