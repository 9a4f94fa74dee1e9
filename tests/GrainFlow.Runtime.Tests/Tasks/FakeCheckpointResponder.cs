using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Runtime.Tasks;
using GrainFlow.Testing.Polling;

namespace GrainFlow.Runtime.Tests.Tasks;

internal sealed record DeclinedCheckpoint(long Attempt, long CheckpointId, SubtaskId Subtask, string Reason, bool CountsAsFailure);

/// <summary>Records what a subtask answers, as the checkpoint coordinator grain would receive it.</summary>
internal sealed class FakeCheckpointResponder : ICheckpointResponder
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly Lock _lock = new();
    private readonly TaskCompletionSource _answered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<(long, long, SubtaskSnapshot)> _acknowledged = new();
    private readonly List<DeclinedCheckpoint> _declined = new();

    public bool FailDeclines { get; set; }

    public IReadOnlyList<(long Attempt, long CheckpointId, SubtaskSnapshot Snapshot)> Acknowledged
    {
        get { lock (_lock) return _acknowledged.ToList(); }
    }

    public IReadOnlyList<DeclinedCheckpoint> Declined
    {
        get { lock (_lock) return _declined.ToList(); }
    }

    /// <summary>The acknowledgements once the first answer came.</summary>
    public async Task<IReadOnlyList<(long Attempt, long CheckpointId, SubtaskSnapshot Snapshot)>> AcknowledgedAsync()
    {
        await _answered.Task.WaitAsync(Patience);
        return Acknowledged;
    }

    /// <summary>The declines once the first answer came.</summary>
    public async Task<IReadOnlyList<DeclinedCheckpoint>> DeclinedAsync()
    {
        await _answered.Task.WaitAsync(Patience);
        return Declined;
    }

    /// <summary>The acknowledgement of checkpoint <paramref name="checkpointId"/>; fails with the reason when it was declined instead.</summary>
    public async Task<SubtaskSnapshot> AcknowledgedAsync(long checkpointId)
    {
        await Poll.UntilAsync(() => Answered(checkpointId), $"checkpoint {checkpointId} answered", Patience);
        Assert.True(Declined.All(d => d.CheckpointId != checkpointId), $"checkpoint {checkpointId} was declined: {Declined.FirstOrDefault(d => d.CheckpointId == checkpointId)?.Reason}");
        return Acknowledged.Single(a => a.CheckpointId == checkpointId).Snapshot;
    }

    /// <summary>The decline of checkpoint <paramref name="checkpointId"/>; fails when it was acknowledged instead.</summary>
    public async Task<DeclinedCheckpoint> DeclinedAsync(long checkpointId)
    {
        await Poll.UntilAsync(() => Answered(checkpointId), $"checkpoint {checkpointId} answered", Patience);
        Assert.True(Acknowledged.All(a => a.CheckpointId != checkpointId), $"checkpoint {checkpointId} was acknowledged");
        return Declined.Single(d => d.CheckpointId == checkpointId);
    }

    public Task AcknowledgeAsync(long attempt, long checkpointId, SubtaskSnapshot snapshot)
    {
        lock (_lock) _acknowledged.Add((attempt, checkpointId, snapshot));
        _answered.TrySetResult();
        return Task.CompletedTask;
    }

    public Task DeclineAsync(long attempt, long checkpointId, SubtaskId subtask, string reason, bool countsAsFailure)
    {
        lock (_lock) _declined.Add(new DeclinedCheckpoint(attempt, checkpointId, subtask, reason, countsAsFailure));
        _answered.TrySetResult();
        return FailDeclines ? Task.FromException(new TimeoutException("the coordinator did not answer")) : Task.CompletedTask;
    }

    private bool Answered(long checkpointId) =>
        Acknowledged.Any(a => a.CheckpointId == checkpointId) || Declined.Any(d => d.CheckpointId == checkpointId);
}
