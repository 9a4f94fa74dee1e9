using GrainFlow.Runtime.Checkpointing;

namespace GrainFlow.Runtime.Tasks;

/// <summary>Where a subtask's checkpoint answers go (Flink's CheckpointResponder): the job's checkpoint coordinator grain, or a fake in tests.</summary>
internal interface ICheckpointResponder
{
    Task AcknowledgeAsync(long attempt, long checkpointId, SubtaskSnapshot snapshot);

    Task DeclineAsync(long attempt, long checkpointId, SubtaskId subtask, string reason, bool countsAsFailure);
}

/// <summary>Answers the job's <see cref="ICheckpointCoordinatorGrain"/>.</summary>
internal sealed class CoordinatorGrainResponder(ICheckpointCoordinatorGrain coordinator) : ICheckpointResponder
{
    public Task AcknowledgeAsync(long attempt, long checkpointId, SubtaskSnapshot snapshot) => coordinator.AcknowledgeAsync(attempt, checkpointId, snapshot);

    public Task DeclineAsync(long attempt, long checkpointId, SubtaskId subtask, string reason, bool countsAsFailure) =>
        coordinator.DeclineAsync(attempt, checkpointId, subtask, reason, countsAsFailure);
}
