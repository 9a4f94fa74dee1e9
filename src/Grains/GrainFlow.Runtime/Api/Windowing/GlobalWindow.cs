using System.Text.Json.Serialization;

namespace GrainFlow.Runtime.Api.Windowing;

/// <summary>The one window that holds every element of a key (Flink's <c>GlobalWindow</c>); it never ends by time.</summary>
[GenerateSerializer, Immutable, Alias("grainflow.GlobalWindow")]
public sealed record GlobalWindow : Window
{
    public static GlobalWindow Instance { get; } = new();

    [JsonIgnore]
    public override long MaxTimestamp => long.MaxValue;

    public override string ToString() => "GlobalWindow";
}
