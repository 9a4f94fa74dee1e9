namespace GrainFlow.Errors;

/// <summary>A topic request could not be served (unknown topic, offset no longer retained, bad partition).</summary>
[GenerateSerializer, Alias("grainflow.TopicException")]
public sealed class TopicException : GrainFlowException
{
    public TopicException(string message, Exception? innerException = null) : base(message, innerException) { }
}
