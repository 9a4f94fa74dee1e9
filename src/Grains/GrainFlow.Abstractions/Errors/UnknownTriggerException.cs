namespace GrainFlow.Errors;

/// <summary>No asynchronous operation (savepoint, checkpoint, disposal) is known under the trigger id.</summary>
[GenerateSerializer, Alias("grainflow.UnknownTriggerException")]
public sealed class UnknownTriggerException : GrainFlowException
{
    public UnknownTriggerException(string message) : base(message) { }
}
