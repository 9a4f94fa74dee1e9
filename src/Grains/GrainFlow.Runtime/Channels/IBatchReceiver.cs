namespace GrainFlow.Runtime.Channels;

/// <summary>The receiving end of a channel (a subtask grain, or a test double).</summary>
public interface IBatchReceiver
{
    Task<BatchDelivery> ReceiveAsync(Orleans.Concurrency.Immutable<ChannelBatch> batch);
}
