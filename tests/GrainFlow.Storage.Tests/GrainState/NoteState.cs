namespace GrainFlow.Storage.Tests.GrainState;

/// <summary>A second state of the same grain, in the same provider.</summary>
[GenerateSerializer]
public sealed class NoteState
{
    [Id(0)]
    public string? Note;
}
