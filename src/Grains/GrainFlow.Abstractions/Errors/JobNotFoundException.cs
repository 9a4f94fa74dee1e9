using GrainFlow.Jobs;

namespace GrainFlow.Errors;

[GenerateSerializer, Alias("grainflow.JobNotFoundException")]
public sealed class JobNotFoundException : GrainFlowException
{
    public JobNotFoundException(JobId jobId)
        : base($"Job {jobId} not found. 'grainflow list -a' shows the jobs this cluster knows.") { }
}
