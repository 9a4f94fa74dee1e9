namespace GrainFlow.Errors;

/// <summary>A configuration value, a job parameter or the job graph itself is invalid; the job was not started.</summary>
[GenerateSerializer, Alias("grainflow.JobConfigurationException")]
public sealed class JobConfigurationException : GrainFlowException
{
    public JobConfigurationException(string message, Exception? innerException = null) : base(message, innerException) { }
}
