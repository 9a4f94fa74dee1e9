namespace GrainFlow.Storage.Tests.GrainState;

/// <summary>Shaped like typical Orleans state: [GenerateSerializer] with public fields and properties.</summary>
[GenerateSerializer]
public sealed class TestState
{
    [Id(0)]
    public string Text = string.Empty;

    [Id(1)]
    public int Number;

    [Id(2)]
    public List<string> History { get; set; } = [];

    [Id(3)]
    public Dictionary<string, long> Counters { get; set; } = [];

    [Id(4)]
    public DateTimeOffset? UpdatedAt { get; set; }
}
