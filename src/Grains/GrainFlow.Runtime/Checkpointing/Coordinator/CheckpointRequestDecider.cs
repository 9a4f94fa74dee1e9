using GrainFlow.Configuration;
using GrainFlow.Runtime.Configuration;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>What the coordinator's timer does at a tick.</summary>
internal enum TriggerDecision
{
    /// <summary>Nothing now.</summary>
    Wait,

    /// <summary>Trigger a checkpoint (periodic, or the final one of a finishing job).</summary>
    TriggerCheckpoint,

    /// <summary>Trigger the final savepoint of a stop with drain (the previous one failed, or none was taken).</summary>
    TriggerFinalSavepoint,
}

/// <summary>
/// When the next checkpoint is due (Flink's CheckpointRequestDecider with the periodic scheduler):
/// <c>execution.checkpointing.interval</c>, <c>.min-pause</c> and <c>.max-concurrent-checkpoints</c>, and the
/// final checkpoint of a job whose subtasks all finished, which is taken even when periodic checkpoints are off.
/// </summary>
internal sealed class CheckpointRequestDecider
{
    private readonly GrainFlowConfiguration _configuration;
    private DateTimeOffset _nextTrigger;

    public CheckpointRequestDecider(GrainFlowConfiguration configuration, DateTimeOffset now)
    {
        _configuration = configuration;
        Interval = configuration.GetOptional(CheckpointingOptions.Interval);
        _nextTrigger = Interval is { } first ? now + first : DateTimeOffset.MaxValue;
    }

    /// <summary>The periodic interval, null when periodic checkpoints are off.</summary>
    public TimeSpan? Interval { get; }

    /// <summary>How often the coordinator's timer ticks: a quarter of the interval, between 10 ms and 1 s.</summary>
    public TimeSpan Tick => Interval is { } i ? TimeSpan.FromMilliseconds(Math.Clamp(i.TotalMilliseconds / 4, 10, 1000)) : TimeSpan.FromSeconds(1);

    public int MaxConcurrent => _configuration.Get(CheckpointingOptions.MaxConcurrent);

    /// <summary>When the last checkpoint completed (for the minimum pause).</summary>
    public DateTimeOffset LastCompletion { get; set; } = DateTimeOffset.MinValue;

    /// <summary>Asks for the next checkpoint as soon as there is room (the final checkpoint of a finishing job).</summary>
    public void DueNow(DateTimeOffset now) => _nextTrigger = now;

    /// <param name="pending">Checkpoints and savepoints in flight.</param>
    /// <param name="finalCheckpointDue">Every subtask finished: the final checkpoint must be taken.</param>
    /// <param name="finalSavepointDue">The job stops with drain and its final savepoint is not in flight or done.</param>
    public TriggerDecision Decide(DateTimeOffset now, int pending, bool finalCheckpointDue, bool finalSavepointDue)
    {
        if (finalSavepointDue) return pending == 0 ? TriggerDecision.TriggerFinalSavepoint : TriggerDecision.Wait;
        if (finalCheckpointDue && now >= _nextTrigger && pending < MaxConcurrent)
        {
            _nextTrigger = now + (Interval ?? TimeSpan.FromSeconds(1));
            return TriggerDecision.TriggerCheckpoint;
        }
        if (Interval is not { } interval || interval < CheckpointingOptions.MinimalInterval) return TriggerDecision.Wait;
        if (now < _nextTrigger || pending >= MaxConcurrent) return TriggerDecision.Wait;
        if (now - LastCompletion < _configuration.Get(CheckpointingOptions.MinPause)) return TriggerDecision.Wait;
        _nextTrigger = now + interval;
        return TriggerDecision.TriggerCheckpoint;
    }
}
