using GrainFlow.Configuration;
using GrainFlow.Jobs;

namespace GrainFlow.Runtime.Api;

/// <summary>What a source reader or sink writer knows about the subtask it serves.</summary>
public sealed record SubtaskInfo(
    JobId JobId,
    string JobName,
    string OperatorUid,
    int SubtaskIndex,
    int Parallelism,
    GrainFlowConfiguration Configuration,
    IServiceProvider Services)
{
    /// <summary>Whether the job takes checkpoints (a transactional sink then commits on their completion).</summary>
    public bool CheckpointingEnabled => Runtime.Configuration.CheckpointingOptions.IsEnabled(Configuration);
}
