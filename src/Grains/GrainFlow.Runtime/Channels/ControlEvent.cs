namespace GrainFlow.Runtime.Channels;

/// <summary>
/// An event that travels in order with the records of a channel. End of input now; checkpoint
/// barriers and watermarks are further subclasses.
/// </summary>
[GenerateSerializer, Immutable, Alias("grainflow.ControlEvent")]
public abstract record ControlEvent;

/// <summary>The sender will send nothing more on this channel.</summary>
[GenerateSerializer, Immutable, Alias("grainflow.EndOfInput")]
public sealed record EndOfInput : ControlEvent
{
    public static readonly EndOfInput Instance = new();

    public override string ToString() => "end-of-input";
}
