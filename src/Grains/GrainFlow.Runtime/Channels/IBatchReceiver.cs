namespace GrainFlow.Runtime.Channels;

/// <summary>The receiving end of a channel (a subtask grain, or a test double).</summary>
public interface IBatchReceiver
{
    Task ReceiveAsync(Orleans.Concurrency.Immutable<ChannelBatch> batch);
}
