namespace GrainFlow.Runtime.Channels;

/// <summary>
/// An event that travels in order with the records of a channel: end of input, checkpoint
/// barriers, watermarks and watermark status.
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
