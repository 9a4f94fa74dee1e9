namespace GrainFlow.KeyGroups;

/// <summary>An inclusive range of key groups owned by one subtask.</summary>
[GenerateSerializer, Immutable, Alias("grainflow.KeyGroupRange")]
public readonly record struct KeyGroupRange([property: Id(0)] int StartKeyGroup, [property: Id(1)] int EndKeyGroup)
{
    public int Count => EndKeyGroup - StartKeyGroup + 1;

    public bool Contains(int keyGroup) => keyGroup >= StartKeyGroup && keyGroup <= EndKeyGroup;

    public override string ToString() => $"[{StartKeyGroup}, {EndKeyGroup}]";
}
