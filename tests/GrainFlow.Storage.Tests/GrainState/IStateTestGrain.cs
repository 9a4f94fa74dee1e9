namespace GrainFlow.Storage.Tests.GrainState;

public interface IStateTestGrain : IGrainWithStringKey
{
    Task<TestState> GetAsync();

    Task SetAsync(string text, int number);

    /// <summary>Re-reads the stored state, dropping what the activation had in memory.</summary>
    Task<TestState> ReloadAsync();

    Task ClearAsync();

    Task<bool> RecordExistsAsync();

    Task SetNoteAsync(string note);

    Task<string?> GetNoteAsync();

    Task DeactivateAsync();
}
