namespace GrainFlow.Errors;

/// <summary>
/// Base of every error GrainFlow reports to a user. The message alone must say what was wrong and
/// what to do; clients print it as one line without a stack trace.
/// </summary>
[GenerateSerializer, Alias("grainflow.GrainFlowException")]
public class GrainFlowException : Exception
{
    public GrainFlowException(string message, Exception? innerException = null) : base(message, innerException) { }
}
