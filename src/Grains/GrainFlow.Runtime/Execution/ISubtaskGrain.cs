using GrainFlow.Runtime.Channels;
using Orleans.Concurrency;

namespace GrainFlow.Runtime.Execution;

/// <summary>One parallel instance of one vertex of one job (key: <see cref="SubtaskKey"/>).</summary>
[Alias("grainflow.ISubtaskGrain")]
public interface ISubtaskGrain : IGrainWithStringKey
{
    /// <summary>Instantiates the operators of this subtask for an attempt; idempotent per attempt.</summary>
    [Alias("Deploy")]
    Task DeployAsync(TaskDeployment deployment);

    /// <summary>Starts reading (sources); other subtasks just wait for input.</summary>
    [Alias("Start")]
    Task StartAsync(long attempt);

    /// <summary>
    /// Takes one batch of one input channel and returns when the subtask can take the next one from
    /// that channel, or — if the channel is held back by a barrier alignment for longer than a short
    /// hold time — returns without taking it (<see cref="BatchDelivery.HeldBackByAlignment"/>).
    /// </summary>
    [Alias("Receive")]
    Task<BatchDelivery> ReceiveAsync(Immutable<ChannelBatch> batch);

    /// <summary>
    /// Checkpoint n starts here: a source records its offsets and emits the barrier after the records
    /// it emitted so far; a subtask that already finished acknowledges its final state.
    /// </summary>
    [AlwaysInterleave, Alias("TriggerCheckpoint")]
    Task TriggerCheckpointAsync(long attempt, CheckpointBarrier barrier);

    /// <summary>Checkpoint n is complete (best effort, may be skipped: act on everything up to n).</summary>
    /// <summary>A source subtask ends its input now, as if its source were exhausted (stop with drain).</summary>
    [AlwaysInterleave, Alias("EndInput")]
    Task EndInputAsync(long attempt);

    [AlwaysInterleave, Alias("NotifyCheckpointComplete")]
    Task NotifyCheckpointCompleteAsync(long attempt, long checkpointId);

    /// <summary>Stops the attempt: nothing more is processed or sent.</summary>
    /// <param name="jobEnds">The job ends (rather than restarting): the subtask also deletes the job's local state on its silo (local recovery's copies).</param>
    [AlwaysInterleave, Alias("Cancel")]
    Task CancelAsync(long attempt, bool jobEnds);

    [AlwaysInterleave, Alias("GetMetrics")]
    Task<SubtaskMetrics> GetMetricsAsync();

    /// <summary>The entries of one keyed state of one operator of this subtask.</summary>
    [AlwaysInterleave, Alias("GetKeyedState")]
    Task<IReadOnlyList<KeyedStateEntry>> GetKeyedStateAsync(string operatorUid, string stateName);
}

/// <summary>Lets an <see cref="OutputChannel"/> send to a subtask grain.</summary>
internal sealed class SubtaskReceiver(ISubtaskGrain grain) : IBatchReceiver
{
    public Task<BatchDelivery> ReceiveAsync(Immutable<ChannelBatch> batch) => grain.ReceiveAsync(batch);
}
