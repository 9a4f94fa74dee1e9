namespace GrainFlow.Errors;

/// <summary>A submission named a job type that no silo registered.</summary>
[GenerateSerializer, Alias("grainflow.UnknownJobException")]
public sealed class UnknownJobException : GrainFlowException
{
    public UnknownJobException(string jobName, IEnumerable<string> knownJobs)
        : base($"No job named '{jobName}' is registered in this cluster. Registered jobs: {string.Join(", ", knownJobs)}.") { }
}
