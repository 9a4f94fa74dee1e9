namespace GrainFlow.Errors;

/// <summary>
/// A failure that no restart can fix (Flink's SuppressRestartsException): a sink transaction whose
/// files are gone, state that cannot be restored from any retained checkpoint. The job manager fails
/// the job at once with this cause instead of consuming its restart strategy.
/// </summary>
[GenerateSerializer, Alias("grainflow.NonRecoverableJobException")]
public class NonRecoverableJobException : GrainFlowException
{
    public NonRecoverableJobException(string message, Exception? innerException = null) : base(message, innerException) { }
}
