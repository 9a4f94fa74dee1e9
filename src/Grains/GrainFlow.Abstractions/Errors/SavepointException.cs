namespace GrainFlow.Errors;

/// <summary>A savepoint could not be triggered, taken, restored or disposed; the message says why and what to do.</summary>
[GenerateSerializer, Alias("grainflow.SavepointException")]
public sealed class SavepointException : GrainFlowException
{
    public SavepointException(string message, Exception? innerException = null) : base(message, innerException) { }
}
